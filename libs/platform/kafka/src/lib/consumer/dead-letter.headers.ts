// The header names are part of the contract (ARCHITECTURE.md §4); the DLQ tool reads the same ones.
export { DLQ_HEADERS, REPLAY_TARGET_GROUP_HEADER } from '@opal/contracts';
