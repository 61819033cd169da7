import type {AppError} from '../../../../domain/types';

/** The resume screen: loading the profile's workspace and endpoint as it opens, or failed. */
export type ResumeScreen =
  | {mode: 'loading'; work: {id: number}}
  | {mode: 'failed'; error: AppError; work: {id: number}}
  /** Loaded: the wizard was told and moves on. */
  | {mode: 'loaded'; work: {id: number}};

export type ResumeAction =
  {type: 'loaded'; id: number} | {type: 'failed'; id: number; error: AppError};

/** The load starts as the screen opens: the work is in its first state. */
export const initialResume = (): ResumeScreen => ({mode: 'loading', work: {id: 1}});

export function resumeReducer(state: ResumeScreen, action: ResumeAction): ResumeScreen {
  if (state.mode !== 'loading' || action.id !== state.work.id) return state;
  switch (action.type) {
    case 'loaded':
      return {mode: 'loaded', work: state.work};
    case 'failed':
      return {mode: 'failed', error: action.error, work: state.work};
  }
}
