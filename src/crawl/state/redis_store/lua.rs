//! The Lua scripts of the Redis frontier ([`super::redis_store`]). Each runs atomically in
//! Redis, so a claim, a push or a commit is one round trip and no two workers can see a
//! half-done step. `ARGV[1]` is always the job's key prefix (`nh:{JOB}:`); every script
//! starts with [`PRELUDE`].
//!
//! URL states (the `st` field of `u:<fp>`): `q` queued, `f` being fetched (a lease in
//! `fetching:<worker>`), `p` waiting for its shard's commit (a lease in `pending:<worker>`),
//! `d` done (nothing to write), `w` written, `x` failed. `count` holds how many URLs are
//! in each state; `hw`/`hf` the written/failed ones per host.

/// Helpers every script shares.
pub const PRELUDE: &str = r#"
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function setst(u, new)
  local old, host = unpack(redis.call('HMGET', u, 'st', 'host'))
  if old == new then return end
  if old then redis.call('HINCRBY', P .. 'count', old, -1) end
  redis.call('HINCRBY', P .. 'count', new, 1)
  redis.call('HSET', u, 'st', new)
  if host then
    if old == 'w' then redis.call('HINCRBY', P .. 'hw', host, -1) end
    if new == 'w' then redis.call('HINCRBY', P .. 'hw', host, 1) end
    if old == 'x' then redis.call('HINCRBY', P .. 'hf', host, -1) end
    if new == 'x' then redis.call('HINCRBY', P .. 'hf', host, 1) end
  end
end
-- Queue a URL under its host; the host joins `due` at its next allowed time.
local function enqueue(fp, host, score)
  redis.call('ZADD', P .. 'q:' .. host, score, fp)
  local nx = tonumber(redis.call('HGET', P .. 'next', host) or '0')
  redis.call('ZADD', P .. 'due', 'NX', nx, host)
end
-- Put a leased URL back in its queue (a dead worker's, a retry, a worker leaving).
local function requeue(fp)
  local u = P .. 'u:' .. fp
  local host, score = unpack(redis.call('HMGET', u, 'host', 'score'))
  if not host then return 0 end
  setst(u, 'q')
  enqueue(fp, host, tonumber(score or '0'))
  return 1
end
-- Registered and not fenced (declared dead by another worker).
local function alive(w)
  return redis.call('ZSCORE', P .. 'workers', w) ~= false and redis.call('HEXISTS', P .. 'fenced', w) == 0
end
local function fenced_error()
  return redis.error_reply('FENCED this worker was declared dead by another')
end
local function split(s)
  local out = {}
  for v in string.gmatch(s or '', '[^,]+') do out[#out + 1] = v end
  return out
end
"#;

/// Register a worker and start (or continue) a round.
/// ARGV: P, worker, lease_ms, nonce (this process's), exclusive (1: the caller holds the
/// worker's shard lock, so an earlier registration of its id is a dead process's).
/// Returns `{-1}` when a live worker has this id, `{-2}` when an earlier life of this
/// worker must be settled first, else `{1, round, continued}`.
pub const BEGIN: &str = r#"
local w, lease, nonce, exclusive = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local now = now_ms()
local seen = redis.call('ZSCORE', P .. 'workers', w)
if seen and redis.call('HGET', P .. 'nonce', w) ~= nonce then
  if exclusive ~= '1' and now - tonumber(seen) < lease and redis.call('HEXISTS', P .. 'fenced', w) == 0 then
    return {-1}
  end
  return {-2}
end
redis.call('HSET', P .. 'nonce', w, nonce)
redis.call('ZADD', P .. 'workers', now, w)
redis.call('SREM', P .. 'draining', w)
local queued = tonumber(redis.call('HGET', P .. 'count', 'q') or '0')
local others = redis.call('ZCARD', P .. 'workers') - 1
local round = tonumber(redis.call('HGET', P .. 'meta', 'round') or '0')
if round > 0 and (queued > 0 or others > 0) then return {1, round, 1} end
round = redis.call('HINCRBY', P .. 'meta', 'round', 1)
redis.call('HSETNX', P .. 'meta', 'created', math.floor(now / 1000))
redis.call('HSET', P .. 'meta', 'version', 1)
return {1, round, 0}
"#;

/// Queue written articles fetched before a time again (`--recrawl-after`), a batch at a
/// time. ARGV: P, before (Unix s), limit. Returns how many.
pub const RECRAWL: &str = r#"
local before, limit = ARGV[2], tonumber(ARGV[3])
local round = redis.call('HGET', P .. 'meta', 'round') or '0'
local fps = redis.call('ZRANGE', P .. 'written_at', '-inf', before, 'BYSCORE', 'LIMIT', 0, limit)
for _, fp in ipairs(fps) do
  redis.call('ZREM', P .. 'written_at', fp)
  redis.call('HSET', P .. 'u:' .. fp, 'round', round)
  requeue(fp)
end
return #fps
"#;

/// Queue items by the rules of `super::store` (seen this round, written, failures backing
/// off). ARGV: P, now (Unix s), then per item: fp, host, priority, item JSON, url.
/// Returns per item 0 queued, 1 seen, 2 written.
pub const PUSH: &str = r#"
local now = tonumber(ARGV[2])
local round = redis.call('HGET', P .. 'meta', 'round') or '0'
local out = {}
for i = 3, #ARGV, 5 do
  local fp, host, prio, item, url = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  local u = P .. 'u:' .. fp
  local st, r, retry = unpack(redis.call('HMGET', u, 'st', 'round', 'retry'))
  local code = 1
  if not st then code = 0
  elseif r == round then code = 1
  elseif st == 'w' then code = 2
  elseif st == 'd' then code = 0
  elseif st == 'x' and (not retry or tonumber(retry) <= now) then code = 0
  end
  if code == 0 then
    local seq = redis.call('HINCRBY', P .. 'meta', 'seq', 1)
    local score = prio * 1e10 + seq
    redis.call('HSET', u, 'url', url, 'host', host, 'item', item, 'round', round, 'score', score)
    setst(u, 'q')
    enqueue(fp, host, score)
  elseif code == 2 then
    redis.call('HSET', u, 'round', round)
  end
  out[#out + 1] = code
end
return out
"#;

/// Put an item back for another attempt, whatever the seen-set says.
/// ARGV: P, worker, fp, host, priority, item JSON, url.
pub const REQUEUE: &str = r#"
local w, fp, host, prio, item, url = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7]
if not alive(w) then return fenced_error() end
if redis.call('HEXISTS', P .. 'fetching:' .. w, fp) == 0 then return 0 end
redis.call('HDEL', P .. 'fetching:' .. w, fp)
local u = P .. 'u:' .. fp
local seq = redis.call('HINCRBY', P .. 'meta', 'seq', 1)
local round = redis.call('HGET', P .. 'meta', 'round') or '0'
redis.call('HSET', u, 'url', url, 'host', host, 'item', item, 'round', round, 'score', prio * 1e10 + seq)
return requeue(fp)
"#;

/// Claim the next URLs of hosts that are due: pop the host with the smallest next allowed
/// time if it has come, take its first URL (a lease), and hold the host (its next time
/// becomes now + hold) until the worker releases it after the response; up to `max` hosts.
/// ARGV: P, worker, hold_ms, max, call id (a retried call with the same id gets the first
/// call's answer: a claim whose reply was lost is not claimed twice). Returns `{-1}`
/// fenced (the worker was declared dead),
/// `{0}` nothing queued, `{1, wait_ms}` nothing due yet, or `{3, then per URL: host, fp,
/// item, status, etag, last_modified, fetched_at, listing, failures, record_id,
/// content_hash, revision}`.
pub const CLAIM: &str = r#"
local w, hold, max, call = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
if not alive(w) then return {-1} end
local last = P .. 'last:' .. w
if redis.call('HGET', last, 'id') == call then return cjson.decode(redis.call('HGET', last, 'reply')) end
local now = now_ms()
local out = {3}
local taken = 0
while taken < max do
  local due = redis.call('ZRANGE', P .. 'due', 0, 0, 'WITHSCORES')
  if #due == 0 then
    if taken == 0 then return {0} end
    break
  end
  local host, at = due[1], tonumber(due[2])
  if at > now then
    if taken == 0 then return {1, at - now} end
    break
  end
  local q = P .. 'q:' .. host
  local top = redis.call('ZPOPMIN', q)
  local held = now + hold
  if #top == 0 then
    redis.call('ZREM', P .. 'due', host)
  else
    local fp = top[1]
    redis.call('HSET', P .. 'next', host, held)
    if redis.call('ZCARD', q) == 0 then
      redis.call('ZREM', P .. 'due', host)
    else
      redis.call('ZADD', P .. 'due', held, host)
    end
    local u = P .. 'u:' .. fp
    local f = redis.call('HMGET', u, 'item', 'status', 'etag', 'lm', 'at', 'listing', 'failures', 'rid', 'hash', 'rev')
    if f[1] then
      setst(u, 'f')
      redis.call('HSET', P .. 'fetching:' .. w, fp, host)
      redis.call('SADD', P .. 'holds:' .. w, host)
      redis.call('SREM', P .. 'draining', w)
      out[#out + 1] = host
      out[#out + 1] = fp
      for k = 1, 10 do out[#out + 1] = f[k] or '' end
      taken = taken + 1
    end
  end
end
redis.call('HSET', last, 'id', call, 'reply', cjson.encode(out))
return out
"#;

/// The response from a held host has ended: its next allowed time is now + delay, or its
/// Retry-After block if later. ARGV: P, worker, host, delay_ms.
pub const RELEASE: &str = r#"
local w, host, delay = ARGV[2], ARGV[3], tonumber(ARGV[4])
if not alive(w) then return fenced_error() end
-- Only the holder releases (a replay, or a worker whose hold was taken over, does nothing).
if redis.call('SREM', P .. 'holds:' .. w, host) == 0 then return 0 end
local nx = now_ms() + delay
local blocked = tonumber(redis.call('HGET', P .. 'blocked', host) or '0') * 1000
if blocked > nx then nx = blocked end
redis.call('HSET', P .. 'next', host, nx)
redis.call('ZADD', P .. 'due', 'XX', nx, host)
return nx
"#;

/// Block a host for a while (`Retry-After`), across workers and runs, by Redis's clock.
/// ARGV: P, host, seconds.
pub const BLOCK: &str = r#"
local host = ARGV[2]
local untl = math.ceil(now_ms() / 1000) + tonumber(ARGV[3])
local old = tonumber(redis.call('HGET', P .. 'blocked', host) or '0')
if untl > old then redis.call('HSET', P .. 'blocked', host, untl) end
local nx = tonumber(redis.call('HGET', P .. 'next', host) or '0')
if untl * 1000 > nx then
  redis.call('HSET', P .. 'next', host, untl * 1000)
  redis.call('ZADD', P .. 'due', 'XX', untl * 1000, host)
end
return 1
"#;

/// How the processing of a leased URL ended, with what its response said. ARGV: P,
/// worker, fp, kind (`done`, `pending`, `failed`), listing (0/1), now (Unix s), then the
/// response's status, fetched-at, ETag, Last-Modified ('' when none: a 304 need not
/// repeat the validators, the ones we have are kept).
pub const OUTCOME: &str = r#"
local w, fp, kind, listing, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
if not alive(w) then return fenced_error() end
local u = P .. 'u:' .. fp
if redis.call('EXISTS', u) == 0 then return 0 end
-- A replay (the reply was lost): already done.
if redis.call('HEXISTS', P .. 'fetching:' .. w, fp) == 0 and redis.call('HEXISTS', P .. 'pending:' .. w, fp) == 0 then return 0 end
if ARGV[7] ~= '' then redis.call('HSET', u, 'status', ARGV[7], 'at', ARGV[8]) end
if ARGV[9] ~= '' then redis.call('HSET', u, 'etag', ARGV[9]) end
if ARGV[10] ~= '' then redis.call('HSET', u, 'lm', ARGV[10]) end
redis.call('HDEL', P .. 'fetching:' .. w, fp)
if kind == 'pending' then
  redis.call('HSET', P .. 'pending:' .. w, fp, redis.call('HGET', u, 'host'))
  redis.call('HSET', u, 'listing', 0, 'failures', 0)
  setst(u, 'p')
elseif kind == 'failed' then
  redis.call('HDEL', P .. 'pending:' .. w, fp)
  local n = redis.call('HINCRBY', u, 'failures', 1)
  local e = n - 1
  if e > 8 then e = 8 end
  local wait = math.min(2 ^ e * 3600, 7 * 24 * 3600)
  redis.call('HSET', u, 'retry', now + wait)
  setst(u, 'x')
else
  redis.call('HDEL', P .. 'pending:' .. w, fp)
  redis.call('HSET', u, 'listing', listing, 'failures', 0)
  if redis.call('HEXISTS', u, 'rid') == 1 then setst(u, 'w') else setst(u, 'd') end
end
return 1
"#;

/// Before a shard is renamed into place: its articles, kept so that whoever finds this
/// worker dead can tell (by whether the complete shard exists) to finish or undo the
/// commit. ARGV: P, worker, shard, JSON. Fails when the worker was declared dead.
pub const PREPARE: &str = r#"
local w, shard, json = ARGV[2], ARGV[3], ARGV[4]
if not alive(w) then return fenced_error() end
redis.call('HSET', P .. 'prepared:' .. w, shard, json)
return 1
"#;

/// The articles of a durable output are written (after the shard's rename, if any).
/// Idempotent: an article already written with this record and revision counts once.
/// ARGV: P, worker, shard ('' for none), now (Unix s), own (1: the worker itself, which
/// must not be fenced; 0: settling a dead worker's shard), then per article: fp, id,
/// content_hash, revision, signature (bytes), bands (comma-separated), duplicate (0/1).
pub const DONE: &str = r#"
local w, shard, now = ARGV[2], ARGV[3], ARGV[4]
if ARGV[5] == '1' and not alive(w) then return fenced_error() end
local n = 0
for i = 6, #ARGV, 7 do
  local fp, id, hash, rev, sig, bands, dup = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  local u = P .. 'u:' .. fp
  local url = redis.call('HGET', u, 'url') or ''
  redis.call('HDEL', P .. 'pending:' .. w, fp)
  redis.call('HSET', u, 'rid', id, 'hash', hash, 'rev', rev, 'failures', 0)
  setst(u, 'w')
  redis.call('ZADD', P .. 'written_at', now, fp)
  local rec = P .. 'rec:' .. id
  for _, b in ipairs(split(redis.call('HGET', rec, 'bands'))) do
    redis.call('SREM', P .. 'band:' .. b, id)
  end
  redis.call('HSET', rec, 'url', url, 'hash', hash, 'sig', sig, 'rev', rev, 'shard', shard)
  redis.call('HSETNX', P .. 'hash', hash, id)
  if dup == '1' then
    redis.call('HSET', rec, 'bands', '')
  else
    redis.call('HSET', rec, 'bands', bands)
    for _, b in ipairs(split(bands)) do redis.call('SADD', P .. 'band:' .. b, id) end
  end
  n = n + 1
end
if shard ~= '' then
  redis.call('HSET', P .. 'shards', shard, n)
  redis.call('HDEL', P .. 'prepared:' .. w, shard)
end
return n
"#;

/// Every lease of a worker back in the queues, its registration gone: a worker leaving,
/// or one found dead (after its prepared shards were settled). The hosts it held become
/// due after `gap_ms` (its last request to them started before now). ARGV: P, worker,
/// gap_ms.
pub const LEAVE: &str = r#"
local w = ARGV[2]
local nx = now_ms() + tonumber(ARGV[3])
for _, host in ipairs(redis.call('SMEMBERS', P .. 'holds:' .. w)) do
  if tonumber(redis.call('HGET', P .. 'next', host) or '0') > nx then
    redis.call('HSET', P .. 'next', host, nx)
    redis.call('ZADD', P .. 'due', 'XX', nx, host)
  end
end
local n = 0
for _, h in ipairs({'fetching:', 'pending:'}) do
  local key = P .. h .. w
  for _, fp in ipairs(redis.call('HKEYS', key)) do n = n + requeue(fp) end
  redis.call('DEL', key)
end
redis.call('DEL', P .. 'holds:' .. w, P .. 'prepared:' .. w, P .. 'last:' .. w)
redis.call('ZREM', P .. 'workers', w)
redis.call('SREM', P .. 'draining', w)
redis.call('HDEL', P .. 'fenced', w)
redis.call('HDEL', P .. 'nonce', w)
return n
"#;

/// Fence a worker found dead (its later calls are refused, so its prepared shards can no
/// longer change) and return them: a flat list shard, JSON, … It stays registered until
/// settled (LEAVE), so a finder that dies midway is followed by another. ARGV: P, worker.
pub const FENCE: &str = r#"
redis.call('HSET', P .. 'fenced', ARGV[2], 1)
return redis.call('HGETALL', P .. 'prepared:' .. ARGV[2])
"#;

/// A record was made for a leased URL: in one step, unless it was written before under
/// another URL (`check_known`) or another URL of the same article holds its id (two
/// workers fetched both at once), reserve the id and let the URL wait for its shard's
/// commit, with what its response said. ARGV: P, worker, fp, id, url, check_known (0/1),
/// then status, fetched-at, ETag, Last-Modified as for OUTCOME. Returns 0 to write it,
/// 1 known, 2 a duplicate, 3 a replay.
pub const RECORD: &str = r#"
local w, fp, id, url = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if not alive(w) then return fenced_error() end
if redis.call('HEXISTS', P .. 'fetching:' .. w, fp) == 0 then return 3 end
if ARGV[6] == '1' and redis.call('EXISTS', P .. 'rec:' .. id) == 1 then return 1 end
if redis.call('HSETNX', P .. 'ids', id, url) == 0 and redis.call('HGET', P .. 'ids', id) ~= url then return 2 end
local u = P .. 'u:' .. fp
if ARGV[7] ~= '' then redis.call('HSET', u, 'status', ARGV[7], 'at', ARGV[8]) end
if ARGV[9] ~= '' then redis.call('HSET', u, 'etag', ARGV[9]) end
if ARGV[10] ~= '' then redis.call('HSET', u, 'lm', ARGV[10]) end
redis.call('HDEL', P .. 'fetching:' .. w, fp)
redis.call('HSET', P .. 'pending:' .. w, fp, redis.call('HGET', u, 'host'))
redis.call('HSET', u, 'listing', 0, 'failures', 0)
setst(u, 'p')
return 0
"#;

/// A worker is alive: its registration and the hosts it holds are renewed. Returns
/// `{-1}` when it was declared dead meanwhile, else `{1, dead workers…}` (heartbeats
/// older than the lease). ARGV: P, worker, lease_ms.
pub const HEARTBEAT: &str = r#"
local w, lease = ARGV[2], tonumber(ARGV[3])
if not alive(w) then return {-1} end
local now = now_ms()
redis.call('ZADD', P .. 'workers', now, w)
for _, host in ipairs(redis.call('SMEMBERS', P .. 'holds:' .. w)) do
  local nx = tonumber(redis.call('HGET', P .. 'next', host) or '0')
  if now + lease > nx then
    redis.call('HSET', P .. 'next', host, now + lease)
    redis.call('ZADD', P .. 'due', 'XX', now + lease, host)
  end
end
local out = {1}
for _, d in ipairs(redis.call('ZRANGE', P .. 'workers', '-inf', now - lease, 'BYSCORE')) do
  if d ~= w then out[#out + 1] = d end
end
return out
"#;

/// Is the job's work over for this worker? Nothing queued, nothing being fetched by
/// anyone, and no other worker holds uncommitted articles unless it is draining too (its
/// own last commit then follows). Marks this worker draining. ARGV: P, worker.
pub const IDLE: &str = r#"
local me = ARGV[2]
if redis.call('HLEN', P .. 'fetching:' .. me) == 0 then redis.call('SADD', P .. 'draining', me) end
if tonumber(redis.call('HGET', P .. 'count', 'q') or '0') > 0 then return 0 end
for _, w in ipairs(redis.call('ZRANGE', P .. 'workers', 0, -1)) do
  if redis.call('HLEN', P .. 'fetching:' .. w) > 0 then return 0 end
  if w ~= me and redis.call('SISMEMBER', P .. 'draining', w) == 0 then
    if redis.call('HLEN', P .. 'pending:' .. w) > 0 or redis.call('HLEN', P .. 'prepared:' .. w) > 0 then return 0 end
  end
end
return 1
"#;

/// Written texts a new one may duplicate: the first record with its content hash and the
/// records sharing one of its MinHash bands. ARGV: P, content_hash, bands (comma-separated).
/// Returns a flat list: id, url, content_hash, signature (bytes), …
pub const CANDIDATES: &str = r#"
local ids, seen = {}, {}
local first = redis.call('HGET', P .. 'hash', ARGV[2])
if first then ids[#ids + 1] = first; seen[first] = true end
for _, b in ipairs(split(ARGV[3])) do
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'band:' .. b)) do
    if not seen[id] then ids[#ids + 1] = id; seen[id] = true end
  end
end
local out = {}
for _, id in ipairs(ids) do
  local r = redis.call('HMGET', P .. 'rec:' .. id, 'url', 'hash', 'sig')
  if r[1] then
    out[#out + 1] = id; out[#out + 1] = r[1]; out[#out + 1] = r[2] or ''; out[#out + 1] = r[3] or ''
  end
end
return out
"#;
