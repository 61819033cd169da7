export {TextField, type TextFieldProps} from './view';
export {applyEdit, type TextEdit} from './state';
