export {monitorRoutes, InsightsError} from './arm';
export {handleLogAnalytics, LOG_ANALYTICS_AUDIENCE, LOG_ANALYTICS_PATH} from './query';
export {seedMonitor, traceOf, traceScoring} from './traffic';
export type {MonitorState} from './state';
