-- Appends one consumed event's frames to a run's stream, atomically with the bookkeeping that
-- makes a redelivered event a no-op (per job attempt: chunk seq, job-event seq; per run: run seq).
-- Frame ids are 0-N, so a frame's cursor is its number N in the run, from 1.
--
-- KEYS[1] the run's stream, KEYS[2] the run's state hash, KEYS[3] the recent-runs sorted set,
-- KEYS[4] the recent-runs summary hash.
-- ARGV[1] max bytes of line frames per run, ARGV[2] retention in seconds, ARGV[3] how many runs
-- the recent list keeps, ARGV[4] the operation as JSON (built by Operations):
--   {dedupe, seq, kind = lines|step-started|event|job-finished|run, job, attempt, ...}
-- and for kind = lines, from ARGV[5] on, four arguments per line: step index (-1 for set-up), the
-- frame's JSON without its opening brace, its raw text, its size in bytes.
-- Returns the number of frames appended, or -1 for a redelivery, -2 for an event after the end,
-- -3 for lines whose step has not started yet (nothing written).

local stream, state, runs, summaries = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local maxBytes, retention, recentLimit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local op = cjson.decode(ARGV[4])
local appended = 0
-- A chunk holds thousands of lines: the frame counter and the current header are kept in locals
-- and written back once (see the end), so a line costs one XADD and nothing else.
local frames = tonumber(redis.call('HGET', state, 'frames')) or 0
local headerKey = nil

local function add(frameType, body, raw)
    frames = frames + 1
    redis.call('XADD', stream, '0-' .. frames, 't', frameType, 'f', '{"cursor":' .. frames .. ',' .. body, 'r', raw)
    appended = appended + 1
    return frames
end

local function stepKey(job, attempt, step)
    return job .. ':' .. attempt .. ':' .. step
end

-- Raw mode shows a header whenever the output moves to another step (or job); step names come
-- from step-started, which may arrive after the step's first lines (another topic): then the
-- header names the step by its index.
local function header(job, attempt, step)
    local key = stepKey(job, attempt, step)
    if headerKey == nil then
        headerKey = redis.call('HGET', state, 'rk') or ''
    end
    if headerKey == key then
        return ''
    end
    headerKey = key
    redis.call('HSET', state, 'rk', key, 'h:' .. key, 1)
    local name
    if step == -1 then
        name = 'Set up job'
    else
        name = redis.call('HGET', state, 'n:' .. key) or ('step #' .. step)
    end
    return '\r\n\27[1;36m==> ' .. job .. ' > ' .. name .. '\27[0m\r\n'
end

local function flushJobFinished(job, attempt)
    local id = job .. ':' .. attempt
    local pending = redis.call('HGET', state, 'jf:' .. id)
    if not pending then
        return
    end
    local jf = cjson.decode(pending)
    if (tonumber(redis.call('HGET', state, 'c:' .. id)) or 0) >= jf.logChunks then
        add('job', jf.body, jf.raw)
        redis.call('HDEL', state, 'jf:' .. id)
        redis.call('HSET', state, 'jd:' .. id, 1)
    end
end

-- The end is written once the run is terminal and every job's chunks up to its logChunks are in.
local function tryEnd()
    local pending = redis.call('HGET', state, 'rt')
    if not pending then
        return
    end
    local rt = cjson.decode(pending)
    for _, j in ipairs(rt.jobs) do
        if (tonumber(redis.call('HGET', state, 'c:' .. j.jobId .. ':' .. j.attempt)) or 0) < j.logChunks then
            return
        end
    end
    for _, j in ipairs(rt.jobs) do
        local id = j.jobId .. ':' .. j.attempt
        if redis.call('HEXISTS', state, 'jd:' .. id) == 0 then
            local jf = redis.call('HGET', state, 'jf:' .. id)
            if jf then
                jf = cjson.decode(jf)
                add('job', jf.body, jf.raw)
            else
                add('job', j.body, j.raw)
            end
            redis.call('HSET', state, 'jd:' .. id, 1)
        end
    end
    add('run', rt.body, rt.raw)
    local dropped = tonumber(redis.call('HGET', state, 'dropped')) or 0
    local n = add('end', '"type":"end","status":' .. cjson.encode(rt.status) .. ',"droppedLines":' .. dropped .. '}',
        '\27[1m==> run ' .. rt.status .. '\27[0m\r\n')
    redis.call('HSET', state, 'ended', n)
    redis.call('HDEL', state, 'rt')
end

if redis.call('HEXISTS', state, 'ended') == 1 then
    return -2
end
if (tonumber(redis.call('HGET', state, op.dedupe)) or 0) >= op.seq then
    return -1
end
-- A step's lines may be consumed just before its step-started (another topic); the consumer
-- retries such a chunk briefly (op.waitForNames) so that the step's header carries its name.
if op.kind == 'lines' and op.waitForNames then
    local checked = {}
    for i = 5, #ARGV, 4 do
        local step = tonumber(ARGV[i])
        local key = stepKey(op.job, op.attempt, step)
        -- Once a step's header is written (named or not), its later chunks have nothing to wait for.
        if step >= 0 and not checked[step] then
            if redis.call('HEXISTS', state, 'n:' .. key) == 0 and redis.call('HEXISTS', state, 'h:' .. key) == 0 then
                return -3
            end
            checked[step] = true
        end
    end
end
redis.call('HSET', state, op.dedupe, op.seq)

if op.kind == 'lines' then
    local bytes = tonumber(redis.call('HGET', state, 'bytes')) or 0
    local truncated = redis.call('HEXISTS', state, 'truncated') == 1
    local dropped = 0
    for i = 5, #ARGV, 4 do
        local size = tonumber(ARGV[i + 3])
        if truncated then
            dropped = dropped + 1
        elseif bytes + size > maxBytes then
            truncated = true
            redis.call('HSET', state, 'truncated', 1)
            add('truncated', '"type":"truncated","limitBytes":' .. maxBytes .. ',"text":' ..
                cjson.encode('This log reached its limit of ' .. maxBytes .. ' bytes; later lines are not kept.') .. '}',
                '\r\n\27[33m[forge] this log reached its limit of ' .. maxBytes .. ' bytes; later lines are not kept\27[0m\r\n')
            dropped = dropped + 1
        else
            bytes = bytes + size
            add('line', ARGV[i + 1], header(op.job, op.attempt, tonumber(ARGV[i])) .. ARGV[i + 2])
        end
    end
    redis.call('HSET', state, 'bytes', bytes)
    if dropped > 0 then
        redis.call('HINCRBY', state, 'dropped', dropped)
    end
    flushJobFinished(op.job, op.attempt)
elseif op.kind == 'step-started' then
    -- Only lines write headers, so a header stands once above each run of a step's lines.
    redis.call('HSET', state, 'n:' .. stepKey(op.job, op.attempt, op.index), op.name)
    add('step', op.body, '')
elseif op.kind == 'event' then
    add(op.frameType, op.body, op.raw)
elseif op.kind == 'job-finished' then
    redis.call('HSET', state, 'jf:' .. op.job .. ':' .. op.attempt, cjson.encode({ logChunks = op.logChunks, body = op.body, raw = op.raw }))
    flushJobFinished(op.job, op.attempt)
elseif op.kind == 'run' then
    redis.call('HSET', summaries, op.runId, op.summary)
    redis.call('ZADD', runs, 'NX', op.score, op.runId)
    local extra = redis.call('ZCARD', runs) - recentLimit
    if extra > 0 then
        for _, old in ipairs(redis.call('ZRANGE', runs, 0, extra - 1)) do
            redis.call('HDEL', summaries, old)
        end
        redis.call('ZREMRANGEBYRANK', runs, 0, extra - 1)
    end
    if op.terminal then
        redis.call('HSET', state, 'rt', cjson.encode({ status = op.status, jobs = op.jobs, body = op.body, raw = op.raw }))
    else
        add('run', op.body, op.raw)
    end
end

tryEnd()
if appended > 0 then
    redis.call('HSET', state, 'frames', frames)
end
redis.call('EXPIRE', stream, retention)
redis.call('EXPIRE', state, retention)
return appended
