/**
 * The pretrained judge's version string, without loading the model (the jobs layer keys the
 * embedding cache with it): package version, model file, preprocessing.
 */
export const JUDGE_VERSION = 'face-api-1.7.15/face_recognition_model/150-bilinear';
