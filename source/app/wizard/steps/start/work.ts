import type {ProfilesPort} from '../../../profiles-port';
import type {StartAction, StartScreen, StartWork} from './state';

/** Renames or removes a profile in the store, then reports the list as it is now. */
export function startRunner(deps: {
  profiles: ProfilesPort;
  dispatch: (action: StartAction) => StartScreen;
}) {
  return (work: StartWork): void => {
    const {profiles, dispatch} = deps;
    try {
      if (work.kind === 'rename') profiles.rename(work.from, work.to);
      else profiles.remove(work.name);
      dispatch({
        type: 'done',
        id: work.id,
        profiles: profiles.list(),
        message:
          work.kind === 'rename'
            ? `Renamed ${work.from} to ${work.to}.`
            : `Deleted profile ${work.name}.`,
      });
    } catch (err) {
      dispatch({type: 'done', id: work.id, message: (err as Error).message});
    }
  };
}
