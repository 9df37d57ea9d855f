-- wrk script for the constant-response ceiling: same request shape as lookup.lua.
function request()
  return wrk.format("GET", "/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C255081416802538",
                    { Authorization = "Bearer x" })
end

dofile("bench/report.lua") -- done(): the summary line
