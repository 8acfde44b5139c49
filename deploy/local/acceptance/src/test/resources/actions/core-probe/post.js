const core = require('@actions/core');

core.info(`post sees state: ${core.getState('probe-state')}`);
