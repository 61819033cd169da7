export {FilterList, type FilterListProps} from './view';
export type {ListItem} from './state';
