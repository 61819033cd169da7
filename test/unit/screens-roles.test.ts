import {describe, expect, it} from 'vitest';
import type {AppError, PermissionBlock, RoleAssignmentInfo} from '../../source/domain/types';
import {ROLE_CHOICES, roleChoiceFromFile} from '../../source/domain/roles';
import {
  handOffCommands,
  handsOff,
  initialRoles,
  meAsPrincipal,
  modeWork,
  parentScope,
  RECHECK_DELAYS_MS,
  type RolesAction,
  type RolesContext,
  rolesReducer,
  type RolesState,
} from '../../source/app/wizard/steps/roles/state';
import {
  endpoint,
  identity,
  ownerPermissions,
  readerPermissions,
  workspaces,
} from '../helpers/fake-services';

// The roles screen as a pure reducer: a burst of keys is a sequence of actions, each applied to
// the state the previous one left.

const ws = workspaces[0]!;
const ep = endpoint('fraud', {authMode: 'aad_token'});
const context: RolesContext = {me: meAsPrincipal(identity), endpoint: ep, workspace: ws};
const run = (state: RolesState, ...actions: RolesAction[]) =>
  actions.reduce((s, a) => rolesReducer(context, s, a), state);
const start = () => initialRoles(context);
const OTHER = '44444444-4444-4444-4444-444444444444';
const typed = (text: string): RolesAction => ({type: 'edit', edit: {type: 'insert', text}});
const scoreOnly = ROLE_CHOICES.find((c) => c.id === 'score-only')!;
const dataScientist = ROLE_CHOICES.find((c) => c.id === 'data-scientist')!;
const error: AppError = {title: 'Forbidden', detail: 'no', nextSteps: [], kind: 'permission'};
const assignment: RoleAssignmentInfo = {
  id: '/ra/1',
  name: '1',
  scope: '/s',
  roleDefinitionId: '/rd/1',
  roleName: 'x',
  principalId: 'p',
  principalType: 'User',
  inherited: false,
};
const block = (actions: string[]): PermissionBlock => ({
  actions,
  notActions: [],
  dataActions: [],
  notDataActions: [],
});

/** The state once the first preflight (of the signed-in identity) came back with `blocks`. */
const checkedMe = (blocks: PermissionBlock[] = ownerPermissions) =>
  run(start(), {type: 'checked', id: start().check.work!.id, blocks});

describe('the roles screen', () => {
  it('opens on the preflight of the signed-in identity: the work is in the first state', () => {
    const s = start();
    expect(s.screen).toEqual({mode: 'checklist'});
    expect(s.check).toMatchObject({status: 'loading', work: {kind: 'check', who: context.me}});
    expect(s.subject).toEqual(context.me);
    expect(s.picks.scope).toBe(ws.id);
    expect(s.picks.assignable).toBe(parentScope(ws.id, 5));
    const done = checkedMe(readerPermissions);
    expect(done.check).toEqual({status: 'done', blocks: readerPermissions, unreadable: []});
    // The signed-in identity's own permissions are known from it, too.
    expect(done.mine).toEqual({status: 'done', blocks: readerPermissions});
    // A result of work that was replaced is dropped.
    const rechecked = run(start(), {type: 'recheck'});
    expect(run(rechecked, {type: 'checked', id: 1, blocks: ownerPermissions}).check.status).toBe(
      'loading',
    );
    expect(
      run(rechecked, {type: 'checkFailed', id: rechecked.check.work!.id, error}).check,
    ).toEqual({status: 'error', error});
  });

  it('hands off to an admin when the signed-in identity cannot assign roles', () => {
    expect(handsOff(context, start())).toBe(false); // not known yet
    const reader = checkedMe(readerPermissions);
    expect(handsOff(context, reader)).toBe(true);
    expect(handOffCommands(context, reader).join('\n')).toContain(
      `az role assignment create --assignee-object-id ${identity.objectId}`,
    );
    expect(handsOff(context, checkedMe(ownerPermissions))).toBe(false);
    // Copying only when the commands are shown; the note belongs to this visit of the checklist.
    expect(
      modeWork(run(checkedMe(ownerPermissions), {type: 'copyCommands'}).screen),
    ).toBeUndefined();
    const copying = run(reader, {type: 'copyCommands'});
    const work = modeWork(copying.screen)!;
    expect(work).toMatchObject({kind: 'copy', text: handOffCommands(context, reader).join('\n')});
    const copied = run(copying, {type: 'copied', id: work.id, note: 'The commands copied.'});
    expect(copied.screen).toEqual({mode: 'checklist', note: 'The commands copied.'});
    // Moving on drops the note; a copy that finishes after the user left says nothing.
    expect(run(copied, {type: 'openAssign'}, {type: 'back'}).screen).toEqual({mode: 'checklist'});
    const left = run(copying, {type: 'openAssign'}, {type: 'back'});
    expect(run(left, {type: 'copied', id: work.id, note: 'late'}).screen).toEqual({
      mode: 'checklist',
    });
  });

  it('the hand-off gives a role that grants what is missing: listKeys on a key endpoint is never Score Only', () => {
    const keyContext: RolesContext = {...context, endpoint: endpoint('churn')};
    const s = rolesReducer(keyContext, initialRoles(keyContext), {
      type: 'checked',
      id: 1,
      blocks: readerPermissions,
    });
    expect(handsOff(keyContext, s)).toBe(true);
    const cmds = handOffCommands(keyContext, s);
    expect(cmds).toEqual([
      `az role assignment create --assignee-object-id ${identity.objectId} --assignee-principal-type User --role '${dataScientist.template.builtInId}' --scope '${ws.id}'`,
    ]);
    // Score Only picked, on an aad_token endpoint: kept, and the built-in alternative offered.
    const picked = {...checkedMe(readerPermissions)};
    picked.picks = {...picked.picks, choice: scoreOnly};
    const both = handOffCommands(context, picked);
    expect(both[0]).toMatch(/^az role definition create /);
    expect(both.at(-1)).toContain(`--role '${dataScientist.template.builtInId}'`);
  });

  it('Azure refusing the assignment itself shows the hand-off, even when the preflight said yes', () => {
    const owner = checkedMe(ownerPermissions);
    expect(handsOff(context, owner)).toBe(false);
    const plan = {choice: dataScientist, assignee: context.me, scope: ws.id, assignable: ws.id};
    const assigning: RolesState = {
      ...owner,
      seq: 9,
      screen: {mode: 'assigning', plan, work: {id: 9, kind: 'assign', plan}},
    };
    const denied: AppError = {
      ...error,
      detail:
        "The client 'x' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '/s'.",
    };
    const failed = run(assigning, {type: 'assignFailed', id: 9, error: denied});
    expect(failed.screen).toEqual({mode: 'checklist', error: denied});
    expect(handsOff(context, failed)).toBe(true);
    // Another failure (not a denied write) does not.
    expect(handsOff(context, run(assigning, {type: 'assignFailed', id: 9, error}))).toBe(false);
  });

  it('checks another principal by object ID: typing, tab, shift+tab and enter in one burst all count', () => {
    const s = run(
      checkedMe(),
      {type: 'openPrincipal'},
      typed('4444'),
      typed(OTHER.slice(4)),
      {type: 'cycleType', by: 1}, // Group
      {type: 'cycleType', by: 1}, // ServicePrincipal
      {type: 'cycleType', by: 1}, // wraps to User
      {type: 'cycleType', by: -1}, // back to ServicePrincipal
      {type: 'submitPrincipal'},
    );
    const who = {objectId: OTHER, type: 'ServicePrincipal'};
    expect(s.screen).toEqual({mode: 'checklist'});
    expect(s.subject).toEqual(who);
    expect(s.picks.assignee).toEqual(who);
    expect(s.check).toMatchObject({status: 'loading', work: {kind: 'check', who}});
    // The signed-in identity's own permissions are already known: no second call for them.
    expect(s.mine.status).toBe('done');
  });

  it('the object-ID form: an invalid ID is not submitted, erase and esc work', () => {
    const open = run(checkedMe(), {type: 'openPrincipal'}, typed('not-a-guid'));
    expect(open.screen).toMatchObject({mode: 'principal', draft: {objectId: 'not-a-guid'}});
    expect(run(open, {type: 'submitPrincipal'})).toBe(open);
    const erased = run(open, {type: 'edit', edit: {type: 'erase'}});
    expect(erased.screen).toMatchObject({draft: {objectId: 'not-a-gui'}});
    expect(run(open, {type: 'back'}).screen).toEqual({mode: 'checklist'});
  });

  it("asks for the signed-in identity's permissions when another principal is shown first", () => {
    const s = run(
      start(),
      {type: 'openPrincipal'},
      typed(OTHER),
      {type: 'submitPrincipal'}, // before the first preflight came back
    );
    expect(s.mine).toMatchObject({status: 'loading', work: {kind: 'mine'}});
    // The first check was replaced: its result is dropped.
    expect(run(s, {type: 'checked', id: 1, blocks: ownerPermissions}).check.status).toBe('loading');
    const mineId = s.mine.status === 'loading' ? s.mine.work.id : 0;
    expect(run(s, {type: 'mineChecked', id: mineId, blocks: readerPermissions}).mine).toEqual({
      status: 'done',
      blocks: readerPermissions,
    });
    expect(
      handsOff(context, run(s, {type: 'mineChecked', id: mineId, blocks: readerPermissions})),
    ).toBe(true);
    expect(run(s, {type: 'mineFailed', id: mineId, error}).mine).toEqual({status: 'error', error});
  });

  it('walks role → assignee → scope → assignable scope → confirm, and back step by step', () => {
    const role = run(checkedMe(), {type: 'openAssign'});
    expect(role.screen).toEqual({mode: 'role'});
    const assignee = run(role, {type: 'pickRole', choice: scoreOnly});
    expect(assignee.screen).toEqual({mode: 'assignee', choice: scoreOnly});
    const scope = run(assignee, {type: 'pickAssignee', who: context.me});
    expect(scope.screen).toEqual({mode: 'scope', choice: scoreOnly, assignee: context.me});
    const assignable = run(scope, {type: 'pickScope', scope: ep.id});
    expect(assignable.screen).toEqual({
      mode: 'assignable',
      choice: scoreOnly,
      assignee: context.me,
      scope: ep.id,
    });
    const confirm = run(assignable, {type: 'pickAssignable', scope: parentScope(ws.id, 3)});
    expect(confirm.screen).toEqual({
      mode: 'confirm',
      plan: {
        choice: scoreOnly,
        assignee: context.me,
        scope: ep.id,
        assignable: parentScope(ws.id, 3),
      },
    });
    // The picks are remembered for the hand-off commands.
    expect(confirm.picks).toMatchObject({choice: scoreOnly, scope: ep.id});
    // Esc goes back one question at a time.
    expect(run(assignable, {type: 'back'}).screen).toMatchObject({mode: 'scope'});
    expect(run(assignable, {type: 'back'}, {type: 'back'}).screen).toMatchObject({
      mode: 'assignee',
    });
    expect(run(assignable, {type: 'back'}, {type: 'back'}, {type: 'back'}).screen).toEqual({
      mode: 'role',
    });
    expect(run(role, {type: 'back'}).screen).toEqual({mode: 'checklist'});
    // n (or esc) cancels the confirmation.
    expect(run(confirm, {type: 'cancel'}).screen).toEqual({mode: 'checklist'});
    // A pick for another question (a stale key) changes nothing.
    expect(run(confirm, {type: 'pickRole', choice: dataScientist})).toBe(confirm);
  });

  it('a built-in role skips the assignable scope; "another principal…" opens the form and comes back', () => {
    const assignee = run(
      checkedMe(),
      {type: 'openAssign'},
      {type: 'pickRole', choice: dataScientist},
    );
    const form = run(assignee, {type: 'pickAssignee'});
    expect(form.screen).toMatchObject({mode: 'principal', purpose: {for: 'assign'}});
    expect(run(form, {type: 'back'}).screen).toEqual({mode: 'assignee', choice: dataScientist});
    const confirm = run(
      form,
      typed(OTHER),
      {type: 'submitPrincipal'},
      {type: 'pickScope', scope: ws.id},
    );
    const who = {objectId: OTHER, type: 'User'};
    expect(confirm.screen).toEqual({
      mode: 'confirm',
      plan: {choice: dataScientist, assignee: who, scope: ws.id, assignable: parentScope(ws.id, 5)},
    });
    // Choosing whom to assign does not change whose permissions are shown.
    expect(confirm.subject).toEqual(context.me);
  });

  it('assigns, then shows the assignee with the result as a note of that checklist', () => {
    const confirm = run(
      checkedMe(),
      {type: 'openAssign'},
      {type: 'pickRole', choice: scoreOnly},
      {type: 'pickAssignee'},
      typed(OTHER),
      {type: 'submitPrincipal'},
      {type: 'pickScope', scope: ep.id},
      {type: 'pickAssignable', scope: parentScope(ws.id, 5)},
    );
    const assigning = run(confirm, {type: 'confirm'});
    expect(assigning.screen).toMatchObject({mode: 'assigning', work: {kind: 'assign'}});
    const work = modeWork(assigning.screen)!;
    // Esc does not abandon an assignment that is running.
    expect(run(assigning, {type: 'back'})).toBe(assigning);
    const role = {id: '/roleDefinitions/x', roleName: scoreOnly.template.roleName, created: true};
    const assigned = run(assigning, {
      type: 'assigned',
      id: work.id,
      role,
      result: {assignment, existed: false},
    });
    expect(assigned.screen).toEqual({
      mode: 'checklist',
      note: `Assigned ${role.roleName} (custom role created). Azure can take a few minutes to apply it; re-checking…`,
    });
    expect(assigned.subject).toMatchObject({objectId: OTHER});
    expect(assigned.check).toMatchObject({
      status: 'loading',
      work: {who: {objectId: OTHER}, delayMs: 0, recheck: {attempt: 1, delayed: false}},
    });
    // The note goes when the user moves on.
    expect(run(assigned, {type: 'openAssignments'}, {type: 'back'}).screen).toEqual({
      mode: 'checklist',
    });

    const again = run(assigned, {type: 'openAssign'}, {type: 'pickRole', choice: scoreOnly});
    const existed = run(
      again,
      {type: 'pickAssignee', who: assigned.subject},
      {type: 'pickScope', scope: ep.id},
      {type: 'pickAssignable', scope: parentScope(ws.id, 5)},
      {type: 'confirm'},
    );
    const done = run(existed, {
      type: 'assigned',
      id: modeWork(existed.screen)!.id,
      role: {...role, created: false},
      result: {assignment, existed: true},
    });
    expect(done.screen).toEqual({
      mode: 'checklist',
      note: `${OTHER} already has ${role.roleName} at this scope: nothing was created.`,
    });
    // Nothing new: no automatic re-checks.
    expect(done.check.work?.recheck).toBeUndefined();

    const failed = run(assigning, {type: 'assignFailed', id: work.id, error});
    expect(failed.screen).toEqual({mode: 'checklist', error});
    expect(run(failed, {type: 'openAssign'}, {type: 'back'}).screen).toEqual({mode: 'checklist'});
  });

  it('re-checks after an assignment, a little apart, until the role shows up or the tries run out', () => {
    const confirm = run(
      checkedMe(),
      {type: 'openAssign'},
      {type: 'pickRole', choice: scoreOnly},
      {type: 'pickAssignee', who: context.me},
      {type: 'pickScope', scope: ep.id},
      {type: 'pickAssignable', scope: parentScope(ws.id, 5)},
      {type: 'confirm'},
    );
    const assigned = run(confirm, {
      type: 'assigned',
      id: modeWork(confirm.screen)!.id,
      role: {id: 'r', roleName: 'x', created: false},
      result: {assignment, existed: false},
    });
    const answer = (s: RolesState, blocks = readerPermissions) =>
      run(s, {type: 'checked', id: s.check.work!.id, blocks});
    let s = answer(assigned);
    // Not there yet: the checklist shows what is known, and the first delayed re-check waits.
    expect(s.check).toMatchObject({
      status: 'done',
      blocks: readerPermissions,
      work: {delayMs: RECHECK_DELAYS_MS[0], recheck: {attempt: 1, delayed: true}},
    });
    s = answer(s);
    expect(s.check.work).toMatchObject({delayMs: RECHECK_DELAYS_MS[1], recheck: {attempt: 2}});
    s = answer(s);
    expect(s.check.work).toMatchObject({delayMs: RECHECK_DELAYS_MS[2], recheck: {attempt: 3}});
    s = answer(s);
    expect(s.check).toEqual({status: 'done', blocks: readerPermissions, unreadable: []});
    // Granted: the re-checks stop at once.
    const patterns = scoreOnly.template.permissions.flatMap((p) => p.actions);
    expect(answer(answer(assigned), [block(patterns)]).check).toEqual({
      status: 'done',
      blocks: [block(patterns)],
      unreadable: [],
    });
    // r checks again now, without the automatic re-checks.
    const manual = run(answer(assigned), {type: 'recheck'});
    expect(manual.check).toMatchObject({status: 'loading', work: {delayMs: 0}});
    expect(manual.check.work?.recheck).toBeUndefined();
  });

  it('lists the role assignments at the chosen scope; a result after leaving is dropped', () => {
    const listing = run(checkedMe(), {type: 'openAssignments'});
    expect(listing.screen).toMatchObject({
      mode: 'assignments',
      scope: ws.id,
      listing: {status: 'loading'},
      work: {kind: 'list', scope: ws.id},
    });
    const id = modeWork(listing.screen)!.id;
    const listed = run(listing, {type: 'listed', id, assignments: []});
    expect(listed.screen).toEqual({
      mode: 'assignments',
      scope: ws.id,
      listing: {status: 'done', assignments: []},
      work: undefined,
    });
    expect(run(listing, {type: 'listFailed', id, error}).screen).toMatchObject({
      listing: {status: 'error', error},
    });
    const reopened = run(listing, {type: 'back'}, {type: 'openAssignments'});
    expect(modeWork(reopened.screen)!.id).not.toBe(id);
    expect(run(reopened, {type: 'listed', id, assignments: []})).toBe(reopened);
    expect(run(listed, {type: 'back'}).screen).toEqual({mode: 'checklist'});
  });

  it('keys for other modes change nothing', () => {
    const s = checkedMe();
    for (const a of [
      {type: 'edit', edit: {type: 'insert', text: 'x'}},
      {type: 'cycleType', by: 1},
      {type: 'submitPrincipal'},
      {type: 'confirm'},
      {type: 'cancel'},
      {type: 'back'},
      {type: 'pickScope', scope: ws.id},
    ] as RolesAction[])
      expect(run(s, a)).toBe(s);
    const role = run(s, {type: 'openAssign'});
    for (const a of [
      {type: 'recheck'},
      {type: 'openPrincipal'},
      {type: 'copyCommands'},
    ] as RolesAction[])
      expect(run(role, a)).toBe(role);
  });
});

describe('the roles screen: a custom role from a file', () => {
  const definition = {
    roleName: 'Custom role for scoring - online endpoint',
    description: 'Can score against online endpoints.',
    permissions: [block(['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action'])],
    assignableScopes: ['/subscriptions/s/resourcegroups/rg1'],
  };
  const fromFile = roleChoiceFromFile('./role.json', definition);
  const atRoleFile = () => run(checkedMe(), {type: 'openAssign'}, {type: 'openRoleFile'});

  it('types a path (every key of a burst counts) and reads it as work', () => {
    const s = run(atRoleFile(), typed('./ro'), typed('le.json'));
    expect(s.screen).toEqual({mode: 'roleFile', path: './role.json'});
    const empty = run(atRoleFile(), {type: 'submitRoleFile'});
    expect(empty.screen).toMatchObject({mode: 'roleFile', error: expect.stringContaining('path')});
    const reading = run(s, {type: 'submitRoleFile'});
    expect(modeWork(reading.screen)).toEqual({
      id: reading.seq,
      kind: 'loadRole',
      path: './role.json',
    });
    // While it is read, keys do not change the path, and back waits for the answer.
    expect(run(reading, typed('x'), {type: 'back'}).screen).toEqual(reading.screen);
  });

  it('a loaded role goes on to whom; its scope from the file skips the assignable question', () => {
    const reading = run(atRoleFile(), typed('./role.json'), {type: 'submitRoleFile'});
    const id = modeWork(reading.screen)!.id;
    // A stale answer is dropped.
    expect(run(reading, {type: 'roleLoaded', id: id - 1, choice: fromFile}).screen).toEqual(
      reading.screen,
    );
    const loaded = run(reading, {type: 'roleLoaded', id, choice: fromFile});
    expect(loaded.screen).toEqual({mode: 'assignee', choice: fromFile});
    expect(loaded.picks).toMatchObject({
      choice: fromFile,
      assignable: definition.assignableScopes[0],
    });
    const confirm = run(
      loaded,
      {type: 'pickAssignee', who: context.me},
      {type: 'pickScope', scope: ep.id},
    );
    expect(confirm.screen).toEqual({
      mode: 'confirm',
      plan: {
        choice: fromFile,
        assignee: context.me,
        scope: ep.id,
        assignable: definition.assignableScopes[0],
      },
    });
  });

  it('a file that cannot be used says why and keeps the path for another try', () => {
    const reading = run(atRoleFile(), typed('./nope.json'), {type: 'submitRoleFile'});
    const failed = run(reading, {
      type: 'roleFileFailed',
      id: modeWork(reading.screen)!.id,
      message: 'cannot read ./nope.json (no such file)',
    });
    expect(failed.screen).toEqual({
      mode: 'roleFile',
      path: './nope.json',
      error: 'cannot read ./nope.json (no such file)',
    });
    expect(run(failed, {type: 'back'}).screen).toEqual({mode: 'role'});
  });
});
