-- wrk script of bench/chat/run: POST one chatbot question per request, cycling through the JSON
-- bodies of the file named after `--` (one body a line). Each thread starts at its own question.
--   wrk -s chat.lua http://127.0.0.1:PORT/api/v1/chat -- BODIES
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local requests, i = {}, 0

function init(args)
  local path = assert(args[1], "usage: wrk -s chat.lua URL -- BODIES")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  -- Formatted once here (method, path, headers, Content-Length), not per request.
  for line in io.lines(path) do
    if line ~= "" then
      requests[#requests + 1] = wrk.format(nil, nil, nil, line)
    end
  end
  assert(#requests > 0, "no bodies in " .. path)
  i = (offset or 0) * 37 % #requests
end

function request()
  i = i % #requests + 1
  return requests[i]
end
