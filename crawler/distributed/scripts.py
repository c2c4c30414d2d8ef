"""Lua scripts run atomically by Redis for the shared frontier and the politeness gate.

Each one reads the time from Redis (``TIME``), so workers on hosts with skewed clocks
still agree on lease deadlines, the seen window and the spacing of requests.
All times are milliseconds on the Redis clock.
"""

from __future__ import annotations

__all__ = ["ACK", "ADD", "GATE", "POP_LEASE", "POP_MANY", "RELEASE", "RENEW", "REQUEUE_EXPIRED", "SEEN"]

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# A lease value is "score\npayload": the queue score is kept to put the request back in place.
_PUT_BACK = """
local function put_back(token)
  local v = redis.call('HGET', KEYS[2], token)
  if v then
    local i = string.find(v, '\\n', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(v, 1, i - 1), string.sub(v, i + 1))
    redis.call('HDEL', KEYS[2], token)
  end
  redis.call('ZREM', KEYS[3], token)
  return v and 1 or 0
end
"""

#: KEYS: queue, leases, deadlines. ARGV: token, lease_ms. Pops the first request and
#: leases it to *token* until now + lease_ms; returns the payload or nil.
POP_LEASE = (
    _NOW
    + """
local item = redis.call('ZPOPMIN', KEYS[1])
if #item == 0 then return false end
redis.call('HSET', KEYS[2], ARGV[1], item[2] .. '\\n' .. item[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
return item[1]
"""
)

#: KEYS: queue, leases, deadlines. ARGV: lease_ms, token... Pops up to one request per
#: token, leased like POP_LEASE. Returns {queued, leased, payload...}: the sizes of the
#: queue and of the leases after the pops, then the payloads for the first tokens.
POP_MANY = (
    _NOW
    + """
local out = {0, 0}
for i = 2, #ARGV do
  local item = redis.call('ZPOPMIN', KEYS[1])
  if #item == 0 then break end
  redis.call('HSET', KEYS[2], ARGV[i], item[2] .. '\\n' .. item[1])
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[1]), ARGV[i])
  out[#out + 1] = item[1]
end
out[1] = redis.call('ZCARD', KEYS[1])
out[2] = redis.call('HLEN', KEYS[2])
return out
"""
)

#: KEYS: deadlines. ARGV: lease_ms, token... Extends the leases that still exist
#: (XX: a lease already given back to the queue is not revived); returns how many.
RENEW = (
    _NOW
    + """
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return n
"""
)

#: KEYS: queue, leases, deadlines, expiries, excused, dropped. ARGV: limit, max_expiries,
#: dropped_keep. Puts the requests of expired leases (their worker died or hung) back in the
#: queue, and counts, per request (SHA-1 of its payload), how many of its leases expired: a
#: request whose lease expired *max_expiries* times (0: no limit) kills or hangs every worker
#: that takes it, and is dropped instead, onto the capped *dropped* list. Leases a worker let
#: expire on purpose (*excused*: its item could not be stored) are put back without counting.
#: Returns {requeued, dropped}.
REQUEUE_EXPIRED = (
    _NOW
    + _PUT_BACK
    + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local max = tonumber(ARGV[2])
local requeued, dropped = 0, 0
for _, token in ipairs(expired) do
  local v = redis.call('HGET', KEYS[2], token)
  if v and redis.call('SREM', KEYS[5], token) == 0 and max > 0 then
    local payload = string.sub(v, string.find(v, '\\n', 1, true) + 1)
    local h = redis.sha1hex(payload)
    if redis.call('HINCRBY', KEYS[4], h, 1) >= max then
      redis.call('HDEL', KEYS[4], h)
      redis.call('LPUSH', KEYS[6], payload)
      redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[3]) - 1)
      redis.call('HDEL', KEYS[2], token)
      redis.call('ZREM', KEYS[3], token)
      dropped = dropped + 1
      v = nil
    end
  end
  if v then requeued = requeued + put_back(token) else redis.call('ZREM', KEYS[3], token) end
end
return {requeued, dropped}
"""
)

#: KEYS: leases, deadlines, expiries. ARGV: token... Forgets these leases (their requests
#: are done), and the expired-lease counts of their requests.
ACK = """
local counted = redis.call('HLEN', KEYS[3]) > 0
for i = 1, #ARGV do
  if counted then
    local v = redis.call('HGET', KEYS[1], ARGV[i])
    if v then redis.call('HDEL', KEYS[3], redis.sha1hex(string.sub(v, string.find(v, '\\n', 1, true) + 1))) end
  end
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
return 0
"""

#: KEYS: queue, leases, deadlines. ARGV: token... Puts these leased requests back in the
#: queue now (a worker stopping before it processed them); returns how many.
RELEASE = (
    _PUT_BACK
    + """
local n = 0
for i = 1, #ARGV do n = n + put_back(ARGV[i]) end
return n
"""
)

# The seen window: KEYS[1] seen, KEYS[2] epoch.
_SEEN_FUNCTION = """
local function seen(fp, per_epoch, ttl, max)
  if per_epoch == '1' then fp = fp .. '@' .. (redis.call('GET', KEYS[2]) or '0') end
  local at = redis.call('ZSCORE', KEYS[1], fp)
  if at and tonumber(at) > now - ttl then return 1 end
  redis.call('ZADD', KEYS[1], now, fp)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
  if max > 0 then
    local n = redis.call('ZCARD', KEYS[1])
    if n > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1) end
  end
  redis.call('PEXPIRE', KEYS[1], ttl)
  return 0
end
"""

#: KEYS: seen, epoch. ARGV: fingerprint, per_epoch ('1' for hub pages), ttl_ms, max.
#: Returns 1 when the fingerprint was seen within ttl_ms (of this epoch, for hub pages),
#: else records it and returns 0. Entries older than ttl_ms and beyond the newest *max*
#: are dropped here, and the whole set expires ttl_ms after its last addition.
SEEN = _NOW + _SEEN_FUNCTION + "return seen(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))"

#: KEYS: seen, epoch, queue. ARGV: fingerprint, per_epoch, ttl_ms, max, dont_filter, score,
#: payload. SEEN, then the request goes in the queue unless it was seen (dont_filter: it
#: always goes in). Returns 1 when queued, 0 when filtered.
ADD = (
    _NOW
    + _SEEN_FUNCTION
    + """
if ARGV[5] ~= '1' and seen(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])) == 1 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[7])
return 1
"""
)

#: KEYS: gate_next, gate_inflight. ARGV: token, delay_ms, concurrency, hold_ms.
#: Returns 0 when the request may start now (recorded: the next start is pushed delay_ms
#: later, and *token* holds a concurrency slot for at most hold_ms); a positive number of
#: ms to wait for the delay; -1 when every concurrency slot is taken.
GATE = (
    _NOW
    + """
local concurrency = tonumber(ARGV[3])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= concurrency then return -1 end
end
local delay = tonumber(ARGV[2])
if delay > 0 then
  local next_start = tonumber(redis.call('GET', KEYS[1]) or '0')
  if next_start > now then return next_start - now end
  redis.call('SET', KEYS[1], now + delay, 'PX', delay + 60000)
end
if concurrency > 0 then redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1]) end
return 0
"""
)
