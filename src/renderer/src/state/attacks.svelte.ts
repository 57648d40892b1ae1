/**
 * Attacks state: every attack (refreshed when the backend pushes `attacks.changed`), launching one
 * (progress comes as job events), and the open attack's detail with its per-identity sample grids.
 */
import type { AttackSamplesResponse, RequestOf, VeilApi } from '../../../shared/contract/api.ts';
import type { AttackDetail, AttackSummary } from '../../../shared/domain/attack.ts';

export class AttacksState {
  list = $state<AttackSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  starting = $state(0);
  openId = $state<string | null>(null);
  detail = $state<AttackDetail | null>(null);
  samples = $state<AttackSamplesResponse['samples']>([]);
  private readonly api: VeilApi;

  constructor(api: VeilApi) {
    this.api = api;
    api.on('attacks.changed', ({ attackId }) => {
      void this.refresh();
      if (attackId === this.openId) void this.load(attackId);
    });
  }

  async refresh(): Promise<void> {
    const r = await this.api.invoke('attacks.list', {});
    if (r.ok) this.list = r.value.attacks;
    else this.error = r.error.message;
    this.loaded = true;
  }

  async start(req: RequestOf<'attacks.start'>): Promise<void> {
    this.starting++;
    this.error = null;
    try {
      const r = await this.api.invoke('attacks.start', req);
      if (!r.ok) {
        if (r.error.code !== 'CANCELLED') this.error = r.error.message;
      } else await this.open(r.value.attackId);
      await this.refresh();
    } finally {
      this.starting--;
    }
  }

  async open(id: string | null): Promise<void> {
    this.openId = id;
    this.detail = null;
    this.samples = [];
    if (id) await this.load(id);
  }

  private async load(id: string): Promise<void> {
    const d = await this.api.invoke('attacks.show', { attack: id });
    if (this.openId !== id) return;
    if (!d.ok) return void (this.error = d.error.message);
    this.detail = d.value;
    if (d.value.status !== 'done') return;
    const s = await this.api.invoke('attacks.samples', { attack: id });
    if (this.openId !== id) return;
    if (s.ok) this.samples = s.value.samples;
    else this.error = s.error.message;
  }

  /** Samples of one identity across attacks (Compare's synced panels). */
  async samplesOf(attackId: string, label: number): Promise<AttackSamplesResponse['samples']> {
    const r = await this.api.invoke('attacks.samples', { attack: attackId, label });
    return r.ok ? r.value.samples : [];
  }
}
