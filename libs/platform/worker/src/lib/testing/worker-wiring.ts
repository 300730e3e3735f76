import type { Type } from '@nestjs/common';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { deadLetterRecord } from '@opal/platform-kafka';
import { WorkerPlatformModule, type WorkerPlatformOptions } from '../worker-platform.module';

/** The topics a message controller's handlers subscribe to, read back from Nest's pattern metadata. */
export function subscribedTopicsOf(controller: Type): string[] {
  const prototype = controller.prototype as object;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .flatMap(
      (name) =>
        (Reflect.getMetadata(PATTERN_METADATA, Reflect.get(prototype, name) as object) as string[] | undefined) ?? [],
    );
}

/** The consumer group an app hands the worker platform when `buildRootModule` runs (its `AppModule.forRoot`). */
export function consumerGroupOf(buildRootModule: () => unknown): string {
  const forRoot = jest.spyOn(WorkerPlatformModule, 'forRoot');
  try {
    buildRootModule();
    const [options] = forRoot.mock.calls[0] as [WorkerPlatformOptions];
    return options.groupId;
  } finally {
    forRoot.mockRestore();
  }
}

/** Where a worker's consumer in `group` dead-letters a record of each of `topics`, as `deadLetterRecord` addresses it. */
export function deadLetterTopicsOf(topics: readonly string[], group: string): string[] {
  return topics.map(
    (topic) =>
      deadLetterRecord(
        { topic, partition: 0, offset: '0', timestamp: '0', key: null, value: null },
        { group, attempts: 1, errorClass: 'Error', errorMessage: 'boom', failedAt: new Date(0) },
      ).topic,
  );
}
