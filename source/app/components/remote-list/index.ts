export {RemoteList, type RemoteListProps} from './view';
export {useRemoteList, type RemoteListModel} from './use-remote-list';
