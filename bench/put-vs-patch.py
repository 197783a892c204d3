#!/usr/bin/env python3
"""API server CPU per status write: merge patch (as the operator writes) against PUT of the whole object as read.
Usage: hack/local-apiserver.sh DIR; kubectl apply --validate=false -f config/crds/ (KUBECONFIG=DIR/admin.kubeconfig);
       ROUNDS=4 python3 bench/put-vs-patch.py DIR [K]
Each round creates K ClusterBackupNows with an intent status, then writes a finished backup's status to each, by
merge patch or by PUT (alternating which goes first), and reads the kube-apiserver's utime+stime from /proc before
and after. Prints CPU ms per write and the medians. bench/README.md, issue 25 session 18."""
import json, ssl, http.client, sys, os, time, copy
d=sys.argv[1]
port=int(open(f'{d}/port').read()); token=open(f'{d}/tokens.csv').read().split(',')[0]
pid=int(open(f'{d}/pids').read().split()[1]); K=int(sys.argv[2]) if len(sys.argv)>2 else 300
ctx=ssl._create_unverified_context()
c=http.client.HTTPSConnection('127.0.0.1',port,context=ctx)
def req(m,path,body=None,ct='application/json'):
    h={'Authorization':'Bearer '+token,'Content-Type':ct,'Accept':'application/json','User-Agent':'exp'}
    c.request(m,path,body=json.dumps(body) if body is not None else None,headers=h)
    r=c.getresponse(); d=r.read()
    if r.status>=300: raise Exception(f"{m} {path} {r.status} {d[:300]}")
    return json.loads(d)
def cpu():
    f=open(f'/proc/{pid}/stat').read().split(')')[1].split(); return (int(f[11])+int(f[12]))*10  # ms
spec={"clusterId":8,"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"alarmStoragePercentageThreshold":95,"configName":"nfs-main","obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/obbackup/"},"serviceName":"ob-backup","storageId":26},"ocpConnectionRef":{"name":"ocp"}}
t="2026-12-07T00:10:00Z"
def cond(tp,st,rs,msg): return {"type":tp,"status":st,"reason":rs,"message":msg,"lastTransitionTime":t,"observedGeneration":1}
intent={"phase":"Submitting","reason":"Submitting","message":"recorded the intent; sending backupNow to OCP","observedGeneration":1,"requestId":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","attemptStartedAt":t,"submitAttempts":1,"submittedGeneration":1,"submittedSpec":spec,"taskHighWaterMark":3000040,"ocpEndpoint":"http://127.0.0.1:8080","ocpConnectionUid":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","conditions":[cond("Submitted","False","Submitting","sending backupNow")]}
final=copy.deepcopy(intent)
final.update({"phase":"Succeeded","reason":"Succeeded","message":"OCP finished the backup: task 3000041 SUCCESSFUL","submittedAt":t,"completedAt":t,"successful":True,"obBackupTaskType":"FULL_BACKUP","taskIds":[3000041],"traceId":"a1b2c3d4e5f60718","server":"ocp-server-1","ocpTimestamp":"2026-12-07T08:10:00.123+08:00","tasks":[{"id":3000041,"name":"Backup cluster","status":"SUCCESSFUL","startTime":t,"finishTime":t}],"conditions":[cond("Submitted","True","Submitted","OCP started task 3000041"),cond("Complete","True","Succeeded","OCP finished the backup"),cond("Failed","False","Succeeded","OCP finished the backup")]})
ns='exp'; path='/apis/ocp.oceanbase.com/v1alpha1/namespaces/exp/clusterbackupnows'
try: req('POST','/api/v1/namespaces',{"apiVersion":"v1","kind":"Namespace","metadata":{"name":ns}})
except Exception as e: pass
def prep(prefix,n):
    rvs=[]
    for i in range(n):
        o=req('POST',path,{"apiVersion":"ocp.oceanbase.com/v1alpha1","kind":"ClusterBackupNow","metadata":{"name":f"{prefix}-{i}","namespace":ns},"spec":spec})
        o=req('PATCH',f"{path}/{prefix}-{i}/status",{"metadata":{"resourceVersion":o["metadata"]["resourceVersion"]},"status":intent},'application/merge-patch+json')
        md=o["metadata"]; md.pop("managedFields",None); o.pop("status",None)
        rvs.append(o)
    return rvs
def patch(prefix,rvs):
    removed={}
    for i,rv in enumerate(rvs):
        req('PATCH',f"{path}/{prefix}-{i}/status",{"metadata":{"resourceVersion":rv["metadata"]["resourceVersion"]},"status":final},'application/merge-patch+json')
def put(prefix,rvs):
    for i,rv in enumerate(rvs):
        o=dict(rv); o["status"]=final
        req('PUT',f"{path}/{prefix}-{i}/status",o)
res={'patch':[],'put':[]}
for rnd in range(int(os.environ.get('ROUNDS','3'))):
    for kind in (['patch','put'] if rnd%2==0 else ['put','patch']):
        prefix=f"f{kind}{rnd}"; rvs=prep(prefix,K); time.sleep(1)
        a=cpu(); t0=time.time(); (patch if kind=='patch' else put)(prefix,rvs); b=cpu()
        res[kind].append((b-a)/K); print(kind,rnd,round((b-a)/K,3),'ms CPU/write',round((time.time()-t0)/K*1000,2),'ms wall',flush=True)
# check the PUT result equals the PATCH result in status and spec kept
p=req('GET',f"{path}/fpatch0-0"); q=req('GET',f"{path}/fput0-0")
print('status equal:',p['status']==q['status'],'spec kept:',q['spec']==spec, 'managedFields:',len(json.dumps(p['metadata'].get('managedFields'))),len(json.dumps(q['metadata'].get('managedFields'))))
for k,v in res.items(): print(k,'median',sorted(v)[len(v)//2])
