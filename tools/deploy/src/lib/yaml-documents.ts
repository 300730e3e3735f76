import { runTool } from './tool-runner';

// PyYAML comes with Debian's docker-compose, so the YAML is read by the same parser compose uses.
const TO_JSON =
  'import json, sys, yaml\njson.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)';

/** Every non-empty document of a YAML stream (`---`-separated), as JSON values. */
export function parseYamlDocuments(text: string): unknown[] {
  const result = runTool('/usr/bin/python3', ['-c', TO_JSON], { input: text });
  if (result.code !== 0) throw new Error(`not valid YAML: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as unknown[];
}

export function parseYaml<T>(text: string): T {
  const [document] = parseYamlDocuments(text);
  return document as T;
}
