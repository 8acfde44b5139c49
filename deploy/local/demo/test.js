// A dependency-free test runner, so `npm install` needs no registry.
const assert = require('assert');
const { greet } = require('./index');

const green = (text) => `\x1b[32m${text}\x1b[0m`;
const tests = {
  'greets by name': () => assert.strictEqual(greet('Radicle'), 'Hello, Radicle!'),
  'refuses an empty name': () => assert.throws(() => greet(''), /required/),
};

for (const [name, test] of Object.entries(tests)) {
  test();
  console.log(`${green('✓')} ${name}`);
}
console.log(green(`${Object.keys(tests).length} passing`));
