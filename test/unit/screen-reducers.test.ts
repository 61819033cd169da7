import {describe, expect, it} from 'vitest';
import type {Endpoint} from '../../source/domain/types';
import {
  type EndpointAction,
  endpointReducer,
  type EndpointScreen,
  initialEndpointScreen,
} from '../../source/app/wizard/steps/endpoint/state';
import {
  filterListReducer,
  highlighted,
  initialFilterList,
  type FilterListAction,
  type FilterListState,
  type ListItem,
} from '../../source/app/components/filter-list/state';
import {applyEdit, type TextEdit} from '../../source/app/components/text-field/state';
import {
  createEndpointReducer,
  initialForm,
  nameProblem,
  type CreateEndpointAction,
  type CreateEndpointForm,
} from '../../source/app/wizard/steps/create-endpoint/state';
import {
  authModeReducer,
  initialAuthMode,
  type AuthModeAction,
  type AuthModeScreen,
} from '../../source/app/wizard/steps/auth-mode/state';

// Each screen's modes as pure reducers: a burst of keys is a sequence of actions, each applied
// to the state the previous one left.

const items: ListItem<string>[] = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((n) => ({
  key: n,
  label: n,
  value: n,
}));
const list = (state: FilterListState, ...actions: FilterListAction[]) =>
  actions.reduce((s, a) => filterListReducer(items, s, a), state);

const onEndpoints = (state: EndpointScreen, ...actions: EndpointAction[]) =>
  actions.reduce(endpointReducer, state);
const busyEndpoint = {
  endpoint: 'slow',
  provisioningState: 'Creating',
} as unknown as Endpoint;

describe('the endpoint screen', () => {
  it('waits for a busy endpoint with its progress, then goes back to the list', () => {
    const waiting = onEndpoints(initialEndpointScreen(), {type: 'wait', endpoint: busyEndpoint});
    expect(waiting).toMatchObject({
      mode: 'waiting',
      work: {id: 1, endpoint: busyEndpoint},
      progress: {provisioningState: 'Creating', elapsedMs: 0},
    });
    const progress = {provisioningState: 'Creating', elapsedMs: 4000};
    const moving = onEndpoints(waiting, {type: 'progress', id: 1, progress});
    expect(moving).toMatchObject({mode: 'waiting', progress});
    expect(onEndpoints(moving, {type: 'waited', id: 2})).toBe(moving);
    expect(onEndpoints(moving, {type: 'waited', id: 1})).toEqual({mode: 'list', lastId: 1});
  });

  it('Esc drops the wait; a failed wait is dismissed; the next wait is new work', () => {
    const waiting = onEndpoints(
      initialEndpointScreen(),
      {type: 'highlight', endpoint: busyEndpoint},
      {type: 'wait', endpoint: busyEndpoint},
    );
    expect(onEndpoints(waiting, {type: 'cancel'})).toEqual({
      mode: 'list',
      lastId: 1,
      highlighted: busyEndpoint,
    });
    const error = {title: 'Failed', message: 'provisioning failed'} as never;
    const failed = onEndpoints(waiting, {type: 'failed', id: 1, error});
    expect(failed).toMatchObject({mode: 'waitFailed', error});
    expect(onEndpoints(failed, {type: 'wait', endpoint: busyEndpoint})).toBe(failed);
    const again = onEndpoints(failed, {type: 'cancel'}, {type: 'wait', endpoint: busyEndpoint});
    expect(again).toMatchObject({mode: 'waiting', work: {id: 2}});
    expect(onEndpoints(again, {type: 'highlight'}).highlighted).toBeUndefined();
  });
});

describe('the filter list', () => {
  it('three moves in a row move three rows, clamped at the ends', () => {
    const down = {type: 'move', by: 1} as const;
    expect(highlighted(items, list(initialFilterList(items), down, down, down))?.key).toBe('delta');
    expect(list(initialFilterList(items), down, down, down, down, down, down).cursor).toBe(4);
    expect(list(initialFilterList(items), {type: 'move', by: -1}).cursor).toBe(0);
    expect(list(initialFilterList(items), {type: 'moveTo', to: 'last'}).cursor).toBe(4);
  });

  it('starts on the item it is told, or the first', () => {
    expect(initialFilterList(items, 'gamma').cursor).toBe(2);
    expect(initialFilterList(items, 'nope').cursor).toBe(0);
  });

  it('typing filters, each key counts, and the highlight stays within what is visible', () => {
    const typed = list(
      initialFilterList(items, 'epsilon'),
      {type: 'type', text: 'e'},
      {type: 'type', text: 'l'},
    );
    expect(typed).toEqual({filter: 'el', cursor: 0});
    expect(highlighted(items, typed)?.key).toBe('delta');
    const moved = list(typed, {type: 'move', by: 5});
    expect(highlighted(items, moved)?.key).toBe('delta'); // the only match
    expect(list(typed, {type: 'erase'}, {type: 'erase'}).filter).toBe('');
    expect(list(typed, {type: 'clearFilter'})).toEqual({filter: '', cursor: 0});
    expect(highlighted(items, list(typed, {type: 'type', text: 'zz'}))).toBeUndefined();
  });
});

describe('the text field', () => {
  it('applies every edit to the latest value', () => {
    const edits: TextEdit[] = [
      {type: 'insert', text: 'abc'},
      {type: 'insert', text: 'def'},
      {type: 'erase'},
      {type: 'erase'},
      {type: 'erase'},
      {type: 'erase'},
    ];
    expect(edits.reduce(applyEdit, '')).toBe('ab');
    expect(applyEdit('abc', {type: 'clear'})).toBe('');
    expect(applyEdit('', {type: 'erase'})).toBe('');
  });
});

const form = (state: CreateEndpointForm, ...actions: CreateEndpointAction[]) =>
  actions.reduce(createEndpointReducer, state);
const typeName = (name: string): CreateEndpointAction => ({
  type: 'edit',
  edit: {type: 'insert', text: name},
});

describe('the new-endpoint form', () => {
  it('edits the name only while the name field is focused and the form is editable', () => {
    const f = form(initialForm(), typeName('churn'), {type: 'edit', edit: {type: 'erase'}});
    expect(f.name).toBe('chur');
    expect(form(f, {type: 'focus', by: 1}, typeName('x')).name).toBe('chur');
  });

  it('cycles the auth mode and identity with the arrows, in both directions', () => {
    const f = form(initialForm(), {type: 'focus', by: 1});
    expect(f.focus).toBe('authMode');
    expect(form(f, {type: 'choose', by: 1}, {type: 'choose', by: 1}).authMode).toBe('aad_token');
    expect(form(f, {type: 'choose', by: -1}).authMode).toBe('aad_token');
    const identity = form(f, {type: 'focus', by: 1}, {type: 'choose', by: 1});
    expect(identity.identity).toBe('None');
    expect(form(initialForm(), {type: 'focus', by: -1}).focus).toBe('identity');
  });

  it('Enter walks the fields, refuses a bad name by focusing it, then asks to confirm', () => {
    const bad = form(
      initialForm(),
      typeName('1x'),
      {type: 'submit'},
      {type: 'submit'},
      {type: 'submit'},
    );
    expect(bad).toMatchObject({mode: 'editing', focus: 'name'});
    const good = form(initialForm(), typeName('scorer'), {type: 'submit'}, {type: 'submit'});
    expect(good.focus).toBe('identity');
    const asking = form(good, {type: 'submit'});
    expect(asking.mode).toBe('confirming');
    expect(form(asking, {type: 'cancel'}).mode).toBe('editing');
    expect(form(asking, {type: 'confirm'})).toMatchObject({
      mode: 'creating',
      work: {id: 1, name: 'scorer', authMode: 'key', identity: 'SystemAssigned'},
    });
    expect(form(asking, {type: 'confirm'}, {type: 'cancel'}).mode).toBe('editing');
  });

  const asking = form(
    initialForm(),
    typeName('scorer'),
    {type: 'submit'},
    {type: 'submit'},
    {type: 'submit'},
  );

  it('the create reports progress, then created, for its own work only', () => {
    const creating = form(asking, {type: 'confirm'});
    const progress = {provisioningState: 'Creating', elapsedMs: 3000};
    const moving = form(creating, {type: 'progress', id: 1, progress});
    expect(moving).toMatchObject({mode: 'creating', progress});
    expect(form(moving, {type: 'progress', id: 2, progress})).toBe(moving);
    expect(form(moving, {type: 'created', id: 2})).toBe(moving);
    const created = form(moving, {type: 'created', id: 1});
    expect(created).toMatchObject({mode: 'created', work: {id: 1}, progress});
    // Nothing edits a created form, and a late Esc does not reopen it.
    expect(form(created, typeName('x'), {type: 'cancel'}, {type: 'submit'})).toBe(created);
  });

  it('Esc while creating drops the work; a failure goes back to the form, and a retry is new work', () => {
    const creating = form(asking, {type: 'confirm'});
    const stopped = form(creating, {type: 'cancel'});
    expect(stopped).toMatchObject({mode: 'editing', name: 'scorer', lastId: 1});
    expect('work' in stopped).toBe(false);
    expect(form(stopped, {type: 'created', id: 1})).toBe(stopped);
    const error = {title: 'Conflict', message: 'taken'} as never;
    const failed = form(creating, {type: 'failed', id: 1, error});
    expect(failed).toMatchObject({mode: 'failed', error, name: 'scorer'});
    expect(form(failed, typeName('x'), {type: 'submit'})).toBe(failed);
    const retry = form(failed, {type: 'cancel'}, {type: 'submit'}, {type: 'confirm'});
    expect(retry).toMatchObject({mode: 'creating', work: {id: 2, name: 'scorer'}});
  });

  it('a burst of keys applies in order: name, fields, enter, y', () => {
    const s = form(
      initialForm(),
      typeName('b'),
      typeName('urst'),
      {type: 'focus', by: 1},
      {type: 'choose', by: 1},
      {type: 'submit'},
      {type: 'choose', by: 1},
      {type: 'submit'},
      {type: 'confirm'},
    );
    expect(s).toMatchObject({
      mode: 'creating',
      work: {id: 1, name: 'burst', authMode: 'aml_token', identity: 'None'},
    });
  });

  it('a name the workspace already has is a problem before anything is sent, in any case', () => {
    const f = form(initialForm(['churn-scorer']), typeName('Churn-Scorer'));
    expect(nameProblem(f)).toBe('An endpoint named Churn-Scorer already exists in this workspace.');
    const submitted = form(f, {type: 'submit'}, {type: 'submit'}, {type: 'submit'});
    expect(submitted).toMatchObject({mode: 'editing', focus: 'name'});
    expect(nameProblem(form(initialForm(['churn-scorer']), typeName('churn-2')))).toBeUndefined();
  });
});

const auth = (
  context: {current: 'key' | 'aml_token' | 'aad_token'; managed: boolean},
  state: AuthModeScreen,
  ...actions: AuthModeAction[]
) => actions.reduce((s, a) => authModeReducer(context, s, a), state);

describe('the auth-mode screen', () => {
  const managedKey = {current: 'key', managed: true} as const;

  it('starts on the current mode and wraps around', () => {
    expect(initialAuthMode('aml_token').cursor).toBe(1);
    const s = auth(managedKey, initialAuthMode('key'), {type: 'move', by: -1});
    expect(s.cursor).toBe(2);
    expect(auth(managedKey, s, {type: 'move', by: 1}, {type: 'move', by: 1}).cursor).toBe(1);
  });

  it('Enter on the current mode or k keeps it; another mode asks first', () => {
    expect(auth(managedKey, initialAuthMode('key'), {type: 'choose'}).mode).toBe('kept');
    expect(auth(managedKey, initialAuthMode('key'), {type: 'keep'}).mode).toBe('kept');
    const asking = auth(
      managedKey,
      initialAuthMode('key'),
      {type: 'move', by: 1},
      {type: 'choose'},
    );
    expect(asking).toEqual({mode: 'confirming', cursor: 1, lastId: 0, to: 'aml_token'});
    expect(auth(managedKey, asking, {type: 'move', by: 1})).toBe(asking); // no moving while asked
    expect(auth(managedKey, asking, {type: 'cancel'})).toEqual({
      mode: 'choosing',
      cursor: 1,
      lastId: 0,
    });
    expect(auth(managedKey, asking, {type: 'confirm'})).toMatchObject({
      mode: 'changing',
      to: 'aml_token',
      work: {id: 1, to: 'aml_token'},
    });
  });

  it('a Kubernetes endpoint cannot take aad_token', () => {
    const kubernetes = {current: 'key', managed: false} as const;
    const s = auth(kubernetes, initialAuthMode('key'), {type: 'move', by: -1}, {type: 'choose'});
    expect(s).toEqual({mode: 'choosing', cursor: 2, lastId: 0});
  });

  const changing = auth(
    managedKey,
    initialAuthMode('key'),
    {type: 'move', by: 1},
    {type: 'choose'},
    {type: 'confirm'},
  );

  it('the change reports progress, then the new mode, for its own work only', () => {
    const progress = {provisioningState: 'Updating', elapsedMs: 2000};
    const moving = auth(managedKey, changing, {type: 'progress', id: 1, progress});
    expect(moving).toMatchObject({mode: 'changing', progress});
    expect(
      auth(managedKey, moving, {type: 'progress', id: 7, progress: {...progress, elapsedMs: 9}}),
    ).toBe(moving);
    expect(auth(managedKey, moving, {type: 'changed', id: 7, authMode: 'aml_token'})).toBe(moving);
    const done = auth(managedKey, moving, {type: 'changed', id: 1, authMode: 'aml_token'});
    expect(done).toEqual({mode: 'choosing', cursor: 1, lastId: 1, changed: 'aml_token'});
    // The changed mode is now the current one: Enter on it moves on.
    expect(auth(managedKey, done, {type: 'choose'}).mode).toBe('kept');
    // Another change is new work, and the ✓ goes with it.
    const again = auth(
      managedKey,
      done,
      {type: 'move', by: 1},
      {type: 'choose'},
      {type: 'confirm'},
    );
    expect(again).toMatchObject({mode: 'changing', work: {id: 2, to: 'aad_token'}});
    expect(again.changed).toBeUndefined();
  });

  it('Esc while changing drops the work; a failure is dismissed back to choosing', () => {
    const stopped = auth(managedKey, changing, {type: 'cancel'});
    expect(stopped).toEqual({mode: 'choosing', cursor: 1, lastId: 1});
    expect(auth(managedKey, stopped, {type: 'changed', id: 1, authMode: 'aml_token'})).toBe(
      stopped,
    );
    const error = {title: 'Forbidden', message: 'no'} as never;
    const failed = auth(managedKey, changing, {type: 'failed', id: 1, error});
    expect(failed).toEqual({mode: 'failed', cursor: 1, lastId: 1, error});
    expect(auth(managedKey, failed, {type: 'move', by: 1}, {type: 'choose'})).toBe(failed);
    expect(auth(managedKey, failed, {type: 'cancel'})).toEqual({
      mode: 'choosing',
      cursor: 1,
      lastId: 1,
    });
  });

  it('a burst ↓ enter y ends in the change of the mode under the cursor', () => {
    const s = auth(
      managedKey,
      initialAuthMode('key'),
      {type: 'move', by: 1},
      {type: 'move', by: 1},
      {type: 'choose'},
      {type: 'confirm'},
      {type: 'move', by: 1},
    );
    expect(s).toMatchObject({mode: 'changing', cursor: 2, work: {id: 1, to: 'aad_token'}});
  });
});
