import type {Profile, ProfileInput} from '../profiles';

export type {Profile, ProfileInput};

/** The part of the profile store (source/profiles) the wizard uses; tests pass an in-memory one. */
export interface ProfilesPort {
  /** Most recently used first. */
  list(): Profile[];
  has(name: string): boolean;
  save(profile: ProfileInput): Profile;
  rename(from: string, to: string): Profile;
  remove(name: string): Profile;
  touch(name: string): Profile;
  /** The profile file, to tell the user where things live. */
  readonly path: string;
}
