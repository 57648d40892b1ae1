/**
 * Renderer entry: picks the API seam and mounts the studio with its state classes.
 */
import './lib/locale-guard.ts';
import { mount } from 'svelte';
import App from './App.svelte';
import { createApi, isDesktop } from './api/client.ts';
import { SessionState } from './state/session.svelte.ts';
import { createStudio } from './state/studio.ts';
import './styles.css';

const session = new SessionState();
const api = createApi(() => session.refuse());
mount(App, { target: document.getElementById('app')!, props: { studio: api ? createStudio(api, isDesktop()) : null, session } });
