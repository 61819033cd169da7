/** A one-line text field's edits, applied to the latest value so a burst of keys all count. */
export type TextEdit = {type: 'insert'; text: string} | {type: 'erase'} | {type: 'clear'};

export function applyEdit(value: string, edit: TextEdit): string {
  switch (edit.type) {
    case 'insert':
      return value + edit.text;
    case 'erase':
      return value.slice(0, -1);
    case 'clear':
      return '';
  }
}
