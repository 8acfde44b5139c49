const core = require('@actions/core');

core.info(`pre runs first, for ${core.getInput('who-to-greet')}`);
