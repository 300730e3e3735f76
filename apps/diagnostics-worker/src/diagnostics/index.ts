export { DiagnosticsModule, resolveDiagnosticsOptions } from './diagnostics.module';
export type { DiagnosticsModuleOptions } from './diagnostics.module';
export { DiagnosticsService } from './diagnostics.service';
export type { DiagnosticsOutcome } from './diagnostics.service';
export { DEGRADED_ALERT_PUBLISHER } from './diagnostics.ports';
export type { DegradedAlert, DegradedAlertPublisher } from './diagnostics.ports';
export { DEFAULT_DIAGNOSTICS_KEY_PREFIX, DETECTED_BY } from './diagnostics.constants';
export type {
  DegradedThresholds,
  DiagnosticsSummary,
  WorkflowDiagnostics,
  WorkflowDiagnosticsList,
} from './diagnostics.types';
