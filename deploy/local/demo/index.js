// What the demo's tests exercise: a tiny, pure function.
function greet(name) {
  if (!name) {
    throw new Error('a name is required');
  }
  return `Hello, ${name}!`;
}

module.exports = { greet };
