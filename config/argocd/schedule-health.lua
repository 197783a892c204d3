-- Argo CD health check for ocp.oceanbase.com/ClusterBackupSchedule (status.conditions, written by the operator).
-- First match wins: no conditions yet: Progressing. InvalidSchedule: Degraded with the field at fault.
-- spec.suspend: Suspended. A child the API server refused (Ready False CreateRefused): Degraded. Newest backup Failed: Degraded. Otherwise Healthy, with the next backup time.
-- A running backup does not make the schedule Progressing: its child ClusterBackupNow shows that in the tree.
local hs = {}
local status = obj.status
if status == nil or status.conditions == nil or #status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end
local ready = nil
for _, c in ipairs(status.conditions) do
  if c.type == "InvalidSchedule" and c.status == "True" then
    hs.status = "Degraded"
    hs.message = c.message or c.reason or "InvalidSchedule"
    return hs
  end
  if c.type == "Ready" then
    ready = c
  end
end
if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true: no new backups"
  return hs
end
if ready ~= nil and ready.status == "False" and ready.reason == "CreateRefused" then
  hs.status = "Degraded"
  hs.message = ready.message or ready.reason
  return hs
end
local last = status.lastBackup
if last ~= nil and last.phase == "Failed" then
  hs.status = "Degraded"
  hs.message = "last backup " .. (last.name or "") .. " failed"
  return hs
end
hs.status = "Healthy"
if status.nextScheduleTime ~= nil and status.nextScheduleTime ~= "" then
  hs.message = "next backup at " .. status.nextScheduleTime
elseif ready ~= nil then
  hs.message = ready.message or ready.reason
end
return hs
