-- Argo CD health check for ocp.oceanbase.com/ClusterBackupNow (status.phase, written by the operator).
-- Succeeded: Healthy. Failed: Degraded. Pending, Submitting, Running: Progressing.
-- Unknown (OCP unreachable) is Progressing, not Degraded: the operator keeps retrying by itself.
local hs = {}
local status = obj.status
if status == nil or status.phase == nil or status.phase == "" then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end
local phase = status.phase
local message = status.message
if message == nil or message == "" then
  message = status.reason or phase
end
if phase == "Succeeded" then
  hs.status = "Healthy"
elseif phase == "Failed" then
  hs.status = "Degraded"
elseif phase == "Unknown" then
  hs.status = "Progressing"
  message = "OCP unreachable, retrying: " .. message
elseif phase == "Pending" or phase == "Submitting" or phase == "Running" then
  hs.status = "Progressing"
else
  hs.status = "Unknown"
  message = "Unrecognized phase " .. phase
end
hs.message = message
return hs
