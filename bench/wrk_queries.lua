-- wrk_queries.lua: wrk requests that cycle through the queries of
-- bench/make_queries.py, for bench/server.sh (docs/BENCHMARKS.md).
--
--   wrk -t T -c C -d D -s bench/wrk_queries.lua URL -- QUERIES KIND
--
-- KIND says what a line of QUERIES becomes (percent-encoded):
--   search   /api/search?q=QUERY, plus &year=YYYY for a "year=YYYY<TAB>"
--            line (prsearch)
--   bare     the same with &facets=0: no facet counts (prsearch)
--   suggest  /api/suggest?q=PREFIX, PREFIX being what is typed on the way
--            to the query: its first word and the first half of the next
--            (of the only word if there is one), quotes and * left out
--   ref      /search?q=QUERY, the year left out (bench/ref_server has no
--            filters)
--
-- At the end it prints one line for server.sh to parse:
--   result requests=N seconds=S rps=R p50_ms=P p99_ms=P non2xx=N errors=N
-- non2xx counts every answer outside 200..299 (wrk's own status count
-- leaves out 3xx); errors are wrk's socket errors: connect, read, write
-- and timeouts.

local requests = {}
local next_request = 1
-- Per thread, and global so that done() can read it with thread:get().
non2xx = 0

local threads = {} -- in the main Lua state, for done()

local function encode(s)
    return (s:gsub("[^%w%-%._~]", function(c)
        return string.format("%%%02X", c:byte())
    end))
end

-- The first n characters of a UTF-8 word (never half a character, which
-- prsearch would refuse as invalid UTF-8).
local function utf8_prefix(word, n)
    local out, count = {}, 0
    for ch in word:gmatch("[%z\1-\127\194-\244][\128-\191]*") do
        if count == n then break end
        out[#out + 1] = ch
        count = count + 1
    end
    return table.concat(out)
end

local function utf8_length(word)
    return select(2, word:gsub("[^\128-\191]", ""))
end

local function suggest_prefix(query)
    local words = {}
    for w in query:gsub("[\"*]", " "):gmatch("%S+") do
        words[#words + 1] = w
    end
    local last = words[2] or words[1] or ""
    local typed = utf8_prefix(last, math.max(1, math.ceil(utf8_length(last) / 2)))
    if words[2] then
        return words[1] .. " " .. typed
    end
    return typed
end

local function path_for(line, kind)
    local year, query = line:match("^year=(%d%d%d%d)\t(.*)$")
    query = query or line
    if kind == "search" or kind == "bare" then
        return "/api/search?q=" .. encode(query) .. (year and "&year=" .. year or "") ..
            (kind == "bare" and "&facets=0" or "")
    elseif kind == "suggest" then
        return "/api/suggest?q=" .. encode(suggest_prefix(query))
    elseif kind == "ref" then
        return "/search?q=" .. encode(query)
    end
    error("wrk_queries.lua: KIND must be search, bare, suggest or ref, not " .. tostring(kind))
end

function setup(thread)
    thread:set("thread_no", #threads)
    threads[#threads + 1] = thread
end

function init(args)
    local path, kind = args[1], args[2]
    if not path then
        error("wrk_queries.lua: usage: wrk ... -s wrk_queries.lua URL -- QUERIES KIND")
    end
    for line in io.lines(path) do
        if line ~= "" then
            requests[#requests + 1] = wrk.format("GET", path_for(line, kind))
        end
    end
    if #requests == 0 then
        error("wrk_queries.lua: no queries in " .. path)
    end
    -- Threads start half the list apart, so that they do not send the
    -- same query at the same moment.
    next_request = (thread_no * math.floor(#requests / 2)) % #requests + 1
end

function request()
    local r = requests[next_request]
    next_request = next_request % #requests + 1
    return r
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
    end
end

function done(summary, latency, _)
    local bad = 0
    for _, t in ipairs(threads) do
        bad = bad + t:get("non2xx")
    end
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "result requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
        summary.requests, seconds, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad,
        e.connect + e.read + e.write + e.timeout))
end
