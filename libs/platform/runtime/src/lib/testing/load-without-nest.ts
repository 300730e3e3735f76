const NEST_PACKAGES = ['@nestjs/common', '@nestjs/core', '@nestjs/microservices', '@nestjs/terminus', '@nestjs/platform-fastify'];

/**
 * Loads the module at `absolutePath` in a fresh Jest module registry in which requiring any Nest
 * package throws, and returns its exports: proof that an entry meant for Nest-free code (the
 * client SDK) really loads no Nest. Pass `require.resolve('./entry')` from the spec.
 */
export function loadWithoutNest(absolutePath: string): Record<string, unknown> {
  let loaded: Record<string, unknown> = {};
  jest.isolateModules(() => {
    for (const name of NEST_PACKAGES) {
      jest.doMock(name, () => {
        throw new Error(`${name} was loaded`);
      });
    }
    loaded = jest.requireActual<Record<string, unknown>>(absolutePath);
  });
  return loaded;
}
