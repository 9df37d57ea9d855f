-- wrk script: authenticated Patient?identifier= lookups over the demo NIRs.
-- usage: wrk ... -s bench/lookup.lua URL -- TOKEN NIR_FILE [REVINCLUDE]
local nirs, token, i, suffix = {}, "", 0, ""

function init(args)
  token = args[1]
  for line in io.lines(args[2]) do
    local nir = line:match("^(%w+)\t")
    if nir and nir ~= "nir" then nirs[#nirs + 1] = nir end
  end
  if args[3] == "revinclude" then suffix = "&_revinclude=Coverage%3Abeneficiary" end
  i = math.random(#nirs)
end

function request()
  i = i % #nirs + 1
  return wrk.format("GET", "/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C" ..
                    nirs[i] .. suffix, { Authorization = "Bearer " .. token })
end

dofile("bench/report.lua") -- done(): the summary line
