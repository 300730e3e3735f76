export { documentedEnvDefaults } from './lib/testing/readme-config-table';
