// Placeholder for a seed command whose capability has not landed yet: says so and fails, so no
// script silently pretends to have done its job.
const [command, what] = process.argv.slice(2);
console.error(`${command}: not yet implemented — ${what}.`);
process.exit(2);
