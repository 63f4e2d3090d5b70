#include "redis_scripts.h"

namespace streamgate::redis {
namespace {

// Stream store. Results are arrays whose first element says what happened,
// so refusals are values, not error replies.

// KEYS chunks, meta, open-streams
// ARGV firstIndex, fencingToken, stream_ttl ms, member, channel ('' = do not
//      publish), n, n contents, n event payloads (when publishing)
// The order of the checks is the StreamStore contract's.
constexpr const char* kAppend = R"lua(
local first = tonumber(ARGV[1])
local fence = tonumber(ARGV[2])
local n = tonumber(ARGV[6])
local highest = tonumber(redis.call('HGET', KEYS[2], 'fence') or '0')
if fence < highest then return {'fenced', highest} end
local nextIndex = redis.call('LLEN', KEYS[1])
local stop = first + n
local overlapEnd = math.min(stop, nextIndex)
if first < overlapEnd then
  local stored = redis.call('LRANGE', KEYS[1], first, overlapEnd - 1)
  for i = 1, #stored do
    if stored[i] ~= ARGV[6 + i] then return {'conflict', first + i - 1} end
  end
end
local kind = redis.call('HGET', KEYS[2], 'kind')
if stop > nextIndex and kind then return {'finished', kind, math.max(nextIndex, first)} end
if first > nextIndex then return {'gap', nextIndex} end
if fence > highest then redis.call('HSET', KEYS[2], 'fence', fence) end
local i = nextIndex - first + 1
while i <= n do
  local last = math.min(n, i + 999)
  redis.call('RPUSH', KEYS[1], unpack(ARGV, 6 + i, 6 + last))
  i = last + 1
end
if not kind then
  local ttl = tonumber(ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  local now = redis.call('TIME')
  redis.call('ZADD', KEYS[3], now[1] * 1000 + math.floor(now[2] / 1000), ARGV[4])
end
if ARGV[5] ~= '' then
  for j = 1, n do redis.call('PUBLISH', ARGV[5], ARGV[6 + n + j]) end
end
return {'ok', math.max(stop, nextIndex)}
)lua";

// KEYS chunks, meta, open-streams
// ARGV fencingToken, kind, totalChunks, code, message, completed_ttl ms, member,
//      channel ('' = do not publish), the terminal event's prefix, middle and
//      suffix around its chunk count (terminalEventTemplate)
// Yields {'ok', kind, total, code, message} as recorded; a terminal recorded
// now is published in the same step (a repeated finish publishes nothing).
constexpr const char* kFinish = R"lua(
local fence = tonumber(ARGV[1])
local highest = tonumber(redis.call('HGET', KEYS[2], 'fence') or '0')
if fence < highest then return {'fenced', highest} end
local stored = redis.call('HMGET', KEYS[2], 'kind', 'total', 'code', 'message')
if stored[1] and stored[1] ~= ARGV[2] then return {'finished', stored[1]} end
local count = redis.call('LLEN', KEYS[1])
if ARGV[2] == 'complete' and tonumber(ARGV[3]) ~= count then return {'conflict', count} end
if fence > highest then redis.call('HSET', KEYS[2], 'fence', fence) end
if stored[1] then return {'ok', stored[1], tonumber(stored[2]), stored[3] or '', stored[4] or ''} end
redis.call('HSET', KEYS[2], 'kind', ARGV[2], 'total', count, 'code', ARGV[4], 'message', ARGV[5])
local ttl = tonumber(ARGV[6])
redis.call('PEXPIRE', KEYS[2], ttl)
if count > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
redis.call('ZREM', KEYS[3], ARGV[7])
if ARGV[8] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[9] .. count .. ARGV[10] .. count .. ARGV[11]) end
return {'ok', ARGV[2], count, ARGV[4], ARGV[5]}
)lua";

// KEYS chunks, meta. ARGV fromIndex, maxChunks.
// Yields {'ok', nextIndex, kind, total, code, message, {chunks}} or {'missing'}.
constexpr const char* kRead = R"lua(
local count = redis.call('LLEN', KEYS[1])
local meta = redis.call('HMGET', KEYS[2], 'kind', 'total', 'code', 'message')
if count == 0 and not meta[1] then return {'missing'} end
local from = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local chunks = {}
if max > 0 and from < count then
  chunks = redis.call('LRANGE', KEYS[1], from, math.min(count, from + max) - 1)
end
return {'ok', count, meta[1] or '', meta[2] or '0', meta[3] or '', meta[4] or '', chunks}
)lua";

// KEYS open-streams. ARGV max, chunks key tag, meta key tag.
// Least recently written first; drops members whose stream ended or expired.
constexpr const char* kOpenStreams = R"lua(
local max = tonumber(ARGV[1])
local out = {}
local rank = 0
while #out < max do
  local batch = redis.call('ZRANGE', KEYS[1], rank, rank + 99)
  if #batch == 0 then break end
  for _, member in ipairs(batch) do
    if #out >= max then break end
    local meta = ARGV[3] .. member
    if redis.call('EXISTS', ARGV[2] .. member, meta) == 0 or redis.call('HEXISTS', meta, 'kind') == 1 then
      redis.call('ZREM', KEYS[1], member)
    else
      out[#out + 1] = member
      rank = rank + 1
    end
  end
end
return out
)lua";

// Leases. KEYS lock, fence counter. ARGV token, ttl ms.
// {fencingToken} when acquired, {0, remaining ms} when held by someone else.
constexpr const char* kAcquire = R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {redis.call('INCR', KEYS[2])}
end
return {0, redis.call('PTTL', KEYS[1])}
)lua";

// KEYS lock. ARGV token, ttl ms. 1 when still ours and extended.
constexpr const char* kRenew = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
)lua";

// KEYS lock. ARGV token. 1 when it was ours and is gone.
constexpr const char* kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
)lua";

// Session store.

// KEYS node alive, nodes. ARGV node, ttl ms.
constexpr const char* kTouchNode = R"lua(
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
)lua";

// KEYS conn, node-conns of the new node, nodes. ARGV id, user, node, node-conns tag.
// A record that moves node leaves its old node's set; its subscriptions stay.
constexpr const char* kRegister = R"lua(
local old = redis.call('HGET', KEYS[1], 'node')
if old and old ~= ARGV[3] then redis.call('SREM', ARGV[4] .. old, ARGV[1]) end
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'node', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
return 1
)lua";

// KEYS conn, conn-subs. ARGV id, session-subs tag, node-conns tag.
constexpr const char* kUnregister = R"lua(
local node = redis.call('HGET', KEYS[1], 'node')
if node then redis.call('SREM', ARGV[3] .. node, ARGV[1]) end
for _, session in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('SREM', ARGV[2] .. session, ARGV[1])
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
)lua";

// KEYS session-owner. ARGV user, ttl ms. Yields the owner; only the owner's
// own claims extend it.
constexpr const char* kClaim = R"lua(
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return owner
)lua";

// KEYS conn, conn-subs, session-subs. ARGV id, session. 0 when not registered.
constexpr const char* kAddSubscription = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
)lua";

// KEYS conn-subs, session-subs. ARGV id, session.
constexpr const char* kRemoveSubscription = R"lua(
redis.call('SREM', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
)lua";

// KEYS session-subs. ARGV conn tag. Yields id, user, node triples; drops
// ids whose record is gone.
constexpr const char* kSubscribers = R"lua(
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local record = redis.call('HMGET', ARGV[1] .. id, 'user', 'node')
  if record[1] then
    out[#out + 1] = id
    out[#out + 1] = record[1]
    out[#out + 1] = record[2]
  else
    redis.call('SREM', KEYS[1], id)
  end
end
return out
)lua";

// KEYS nodes. ARGV tags: node, node-conns, conn, conn-subs, session-subs.
// Yields {connections removed, dead node...}.
constexpr const char* kSweep = R"lua(
local removed = 0
local dead = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. node) == 0 then
    for _, id in ipairs(redis.call('SMEMBERS', ARGV[2] .. node)) do
      if redis.call('HGET', ARGV[3] .. id, 'node') == node then
        for _, session in ipairs(redis.call('SMEMBERS', ARGV[4] .. id)) do
          redis.call('SREM', ARGV[5] .. session, id)
        end
        redis.call('DEL', ARGV[3] .. id, ARGV[4] .. id)
        removed = removed + 1
      end
    end
    redis.call('DEL', ARGV[2] .. node)
    redis.call('SREM', KEYS[1], node)
    dead[#dead + 1] = node
  end
end
local out = {removed}
for _, node in ipairs(dead) do out[#out + 1] = node end
return out
)lua";

// KEYS nodes. ARGV tags: node, node-conns. Yields node, count pairs of live nodes.
constexpr const char* kConnectionCounts = R"lua(
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. node) == 1 then
    out[#out + 1] = node
    out[#out + 1] = redis.call('SCARD', ARGV[2] .. node)
  end
end
return out
)lua";

}  // namespace

const std::vector<LuaScript>& allScripts() {
  // In the order of enum Script.
  static const std::vector<LuaScript> scripts = {
      {"append", kAppend},
      {"finish", kFinish},
      {"read", kRead},
      {"open_streams", kOpenStreams},
      {"acquire", kAcquire},
      {"renew", kRenew},
      {"release", kRelease},
      {"touch_node", kTouchNode},
      {"register", kRegister},
      {"unregister", kUnregister},
      {"claim", kClaim},
      {"add_subscription", kAddSubscription},
      {"remove_subscription", kRemoveSubscription},
      {"subscribers", kSubscribers},
      {"sweep", kSweep},
      {"connection_counts", kConnectionCounts},
  };
  return scripts;
}

}  // namespace streamgate::redis
