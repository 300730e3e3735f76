import FindMyWay, { type HTTPMethod } from 'find-my-way';

/**
 * The methods each registered route answers, matched the way Fastify matches paths, so a request
 * for a known path with another method can be told apart from one for an unknown path (405 with
 * `Allow`, not 404).
 */
export class RouteMethods {
  private readonly router = FindMyWay();
  private readonly methods = new Set<HTTPMethod>();

  add(method: string | string[], url: string): void {
    for (const one of Array.isArray(method) ? method : [method]) {
      const upper = one.toUpperCase() as HTTPMethod;
      this.methods.add(upper);
      this.router.on(upper, url, () => undefined);
    }
  }

  /** Every method some route answers for `url` (its query string ignored), in a stable order. */
  allowedFor(url: string): string[] {
    const path = url.split('?', 1)[0] ?? url;
    return [...this.methods].filter((method) => this.router.find(method, path) !== null).sort();
  }
}
