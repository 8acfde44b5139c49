// hashFiles() for the Forge agent: the SHA-256 of the SHA-256 of every regular file under the
// current directory (the workspace) that the patterns match, as GitHub's runner computes it, or
// nothing when none matches. Patterns, one per line, are GitHub's globs: `*` within a path
// segment, `**` across segments, `?`, `[...]`; a leading `!` excludes. Matches are hashed in path
// order so the value does not depend on the file system. Files outside the workspace never count.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const MAX_FILES = 200000;

function toRegex(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close > i + 1) {
        re += '[' + glob.slice(i + 1, close).replace(/\\/g, '\\\\') + ']';
        i = close;
      } else {
        re += '\\[';
      }
    } else {
      re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp('^' + re + '$');
}

function patterns(file) {
  return fs.readFileSync(file, 'utf8').split('\n').map((p) => p.trim()).filter((p) => p.length > 0).map((p) => {
    const negated = p.startsWith('!');
    let glob = negated ? p.slice(1) : p;
    glob = glob.replace(/^\.\//, '');
    if (path.isAbsolute(glob)) {
      glob = path.relative(process.cwd(), glob);
    }
    return { negated, regex: toRegex(glob.replace(/\\/g, '/')) };
  });
}

function walk(dir, prefix, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? prefix + '/' + entry.name : entry.name;
    if (entry.isDirectory()) {
      walk(path.join(dir, entry.name), relative, out);
    } else if (entry.isFile()) {
      out.push(relative);
      if (out.length > MAX_FILES) {
        throw new Error('hashFiles() looked at more than ' + MAX_FILES + ' files; narrow its patterns');
      }
    }
  }
}

const list = patterns(process.argv[2]);
const files = [];
walk(process.cwd(), '', files);
const matched = files.filter((file) => {
  let included = false;
  for (const pattern of list) {
    if (pattern.regex.test(file)) {
      included = !pattern.negated;
    }
  }
  return included;
}).sort();
if (matched.length > 0) {
  const result = crypto.createHash('sha256');
  for (const file of matched) {
    result.update(crypto.createHash('sha256').update(fs.readFileSync(file)).digest());
  }
  process.stdout.write(result.digest('hex'));
}
