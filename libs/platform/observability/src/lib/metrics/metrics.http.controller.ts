import { Controller, type Type } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';

/**
 * A controller answering `GET <path>` with the registry's text format. One class per path (and
 * per module instance), because Nest reads a controller's path from metadata on its class.
 */
export function metricsControllerFor(path: string): Type<PrometheusController> {
  class MetricsHttpController extends PrometheusController {}
  Controller(path)(MetricsHttpController);
  return MetricsHttpController;
}
