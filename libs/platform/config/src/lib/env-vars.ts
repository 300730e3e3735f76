import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Builders for single environment variables. Each one states, in words a person reads in a
 * start-up error, what it expects — zod's default messages talk about types, not env vars.
 */
const expecting = (what: string) => ({ error: `expected ${what}` });

export function stringVar(fallback?: string) {
  const base = z.string(expecting('a non-empty string')).min(1, expecting('a non-empty string'));
  return fallback === undefined ? base : base.default(fallback);
}

export function optionalSecretVar() {
  return z.string(expecting('a non-empty string')).min(1, expecting('a non-empty string')).optional();
}

export function portVar(fallback: number) {
  const what = 'a TCP port (integer 1-65535)';
  return z.coerce
    .number(expecting(what))
    .int(expecting(what))
    .min(1, expecting(what))
    .max(65535, expecting(what))
    .default(fallback);
}

export function positiveIntVar(fallback: number) {
  const what = 'a positive integer';
  return z.coerce.number(expecting(what)).int(expecting(what)).positive(expecting(what)).default(fallback);
}

export function nonNegativeIntVar(fallback: number) {
  const what = 'an integer >= 0';
  return z.coerce.number(expecting(what)).int(expecting(what)).nonnegative(expecting(what)).default(fallback);
}

/** An integer >= 0 whose absence means something of its own (the caller decides what). */
export function optionalNonNegativeIntVar() {
  const what = 'an integer >= 0';
  return z.coerce.number(expecting(what)).int(expecting(what)).nonnegative(expecting(what)).optional();
}

export function booleanVar(fallback: boolean) {
  return z
    .enum(['true', 'false', '1', '0'], expecting('true or false'))
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');
}

export function enumVar<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.enum(values, expecting(`one of ${values.join(', ')}`)).default(fallback as never);
}

export function urlVar(fallback: string) {
  return z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .default(fallback)
    .transform((value) => value.replace(/\/+$/, ''));
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const hostPortList = (what: string) =>
  z
    .string(expecting(what))
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.length > 0 && entries.every((entry) => HOST_PORT.test(entry)), expecting(what));

/** Comma-separated `host:port` list, as every Kafka client takes `bootstrap.servers`. */
export function brokerListVar(fallback: string) {
  const what = 'a comma-separated list of host:port';
  return z.string(expecting(what)).default(fallback).pipe(hostPortList(what));
}

/** An optional comma-separated `host:port` list, parsed into nodes (e.g. Redis Sentinels). */
export function nodeListVar() {
  return hostPortList('a comma-separated list of host:port')
    .transform((entries) =>
      entries.map((entry) => {
        const separator = entry.lastIndexOf(':');
        return { host: entry.slice(0, separator), port: Number(entry.slice(separator + 1)) };
      }),
    )
    .refine((nodes) => nodes.every(({ port }) => port >= 1 && port <= 65535), expecting('ports between 1 and 65535'))
    .optional();
}

const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{16,}={0,2}$/;

/**
 * Standard Webhooks secrets (`whsec_<base64>`), comma-separated: a receiver accepts any one, so a
 * rotation has no gap; a sender signs with each.
 */
export function webhookSecretsVar() {
  return z
    .string({ error: 'expected whsec_<base64> secrets, comma-separated' })
    .transform((value) => value.split(',').map((secret) => secret.trim()).filter(Boolean))
    .refine((secrets) => secrets.length > 0 && secrets.every((secret) => WEBHOOK_SECRET.test(secret)), {
      error: 'expected whsec_<base64> secrets (at least 16 base64 characters each), comma-separated',
    });
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** `ENOENT: no such file or directory`, without Node's `, open '<path>'` tail: the error names the value already. */
function unreadableReason(error: unknown): string {
  const { message = String(error), syscall } = (error ?? {}) as Partial<NodeJS.ErrnoException>;
  const tail = syscall ? message.indexOf(`, ${syscall}`) : -1;
  return tail < 0 ? message : message.slice(0, tail);
}

/**
 * Path of a PEM file of CA certificates (a bundle may hold several). Parses to the file's text, so
 * a missing or wrong file stops the start-up rather than the first TLS handshake; the contents are
 * never part of an error.
 */
export function pemFileVar() {
  const what = 'a readable PEM file with a CERTIFICATE';
  return z
    .string(expecting(what))
    .min(1, expecting(what))
    .transform((path, ctx) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} (${unreadableReason(error)})` });
        return z.NEVER;
      }
      if (!PEM_CERTIFICATE.test(text)) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} (no -----BEGIN CERTIFICATE----- block)` });
        return z.NEVER;
      }
      return text;
    });
}
