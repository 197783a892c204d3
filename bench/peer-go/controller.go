package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
)

// controller reconciles ClusterBackupNow resources: informer → rate-limited queue → workers.
type controller struct {
	dyn      dynamic.Interface
	core     kubernetes.Interface
	secret   string // --ocp-secret: read by GET in the backup's namespace before each backupNow
	informer cache.SharedIndexInformer
	lister   cache.GenericLister
	queue    workqueue.RateLimitingInterface
	recorder record.EventRecorder
	ocp      *ocpClient
	poll     time.Duration
	counts   counters
}

// counters are what the bench reads from /stats before and after a run: the peer's writes.
type counters struct {
	StatusPatches int64 `json:"statusPatches"`
	Conflicts     int64 `json:"conflicts"`
	Events        int64 `json:"events"`
	Reconciles    int64 `json:"reconciles"`
	SecretGets    int64 `json:"secretGets"`
}

func (c *controller) snapshot() counters {
	return counters{
		StatusPatches: atomic.LoadInt64(&c.counts.StatusPatches),
		Conflicts:     atomic.LoadInt64(&c.counts.Conflicts),
		Events:        atomic.LoadInt64(&c.counts.Events),
		Reconciles:    atomic.LoadInt64(&c.counts.Reconciles),
		SecretGets:    atomic.LoadInt64(&c.counts.SecretGets),
	}
}

func newController(dyn dynamic.Interface, core kubernetes.Interface, informer informers.GenericInformer, ocp *ocpClient, secret string, poll time.Duration) *controller {
	broadcaster := record.NewBroadcaster()
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: core.CoreV1().Events("")})
	c := &controller{
		dyn:      dyn,
		core:     core,
		secret:   secret,
		informer: informer.Informer(),
		lister:   informer.Lister(),
		queue:    workqueue.NewNamedRateLimitingQueue(workqueue.DefaultControllerRateLimiter(), "clusterbackupnows"),
		recorder: broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "peer-go"}),
		ocp:      ocp,
		poll:     poll,
	}
	c.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueue,
		UpdateFunc: func(_, obj interface{}) { c.enqueue(obj) },
	})
	return c
}

func (c *controller) enqueue(obj interface{}) {
	if u, ok := obj.(*unstructured.Unstructured); ok && terminal(phaseOf(u)) {
		return // nothing left to do: a settled backup is never queued
	}
	key, err := cache.MetaNamespaceKeyFunc(obj)
	if err != nil {
		utilruntime.HandleError(err)
		return
	}
	c.queue.Add(key)
}

func (c *controller) waitForSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), c.informer.HasSynced)
}

func (c *controller) run(ctx context.Context, workers int) {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	for i := 0; i < workers; i++ {
		go wait.UntilWithContext(ctx, c.worker, time.Second)
	}
	<-ctx.Done()
}

func (c *controller) worker(ctx context.Context) {
	for c.next(ctx) {
	}
}

func (c *controller) next(ctx context.Context) bool {
	item, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(item)
	key := item.(string)
	atomic.AddInt64(&c.counts.Reconciles, 1)
	requeueAfter, err := c.reconcile(ctx, key)
	switch {
	case err != nil:
		utilruntime.HandleError(fmt.Errorf("%s: %w", key, err))
		c.queue.AddRateLimited(key)
	case requeueAfter > 0:
		c.queue.Forget(key)
		c.queue.AddAfter(key, requeueAfter)
	default:
		c.queue.Forget(key)
	}
	return true
}

func phaseOf(u *unstructured.Unstructured) string {
	phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
	return phase
}

func terminal(phase string) bool { return phase == "Succeeded" || phase == "Failed" }

func now() string { return time.Now().UTC().Format(time.RFC3339) }

// reconcile is the operator's protocol for one backup: high-water task read, intent (status
// patch with the resourceVersion precondition), backupNow, task read, final status, one event.
func (c *controller) reconcile(ctx context.Context, key string) (time.Duration, error) {
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	obj, err := c.lister.ByNamespace(namespace).Get(name)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	backup := obj.(*unstructured.Unstructured)
	status, _, _ := unstructured.NestedMap(backup.Object, "status")
	switch phaseOf(backup) {
	case "Succeeded", "Failed":
		return 0, nil
	case "Submitting":
		// Our own intent, seen in the cache while (or after) this key's worker finished the backup:
		// the queue never hands one key to two workers, so the final write is done or failed.
		return 0, nil
	case "Running":
		ocp, err := c.connect(ctx, namespace) // no Secret cache: read again (the bench's tasks finish at once)
		if err != nil {
			return 0, err
		}
		return c.readTasks(ctx, ocp, backup, status, taskIDs(status))
	}

	ocp, err := c.connect(ctx, namespace)
	if err != nil {
		return 0, err
	}
	clusterID, _, _ := unstructured.NestedInt64(backup.Object, "spec", "clusterId")
	mark, recent, err := ocp.highWaterMark(clusterID)
	if err != nil {
		return 0, err
	}
	requestID := string(backup.GetUID())
	intent := map[string]interface{}{
		"phase":               "Submitting",
		"observedGeneration":  backup.GetGeneration(),
		"requestId":           requestID,
		"attemptStartedAt":    now(),
		"submitAttempts":      1,
		"submittedGeneration": backup.GetGeneration(),
		"taskHighWaterMark":   mark,
		"recentTaskIds":       recent,
		"ocpEndpoint":         ocp.base,
	}
	written, err := c.patchStatus(ctx, backup, intent)
	if err != nil {
		return 0, err // a conflict: the cache was behind; the queue brings the key back
	}

	request := map[string]interface{}{}
	for _, field := range []string{"obBackupObject", "backupMode", "dataBackupMode", "obBackupServiceStorageConfig"} {
		if v, ok := backup.Object["spec"].(map[string]interface{})[field]; ok {
			request[field] = v
		}
	}
	ids, taskType, err := ocp.backupNow(clusterID, request, requestID)
	if err != nil {
		c.recorder.Eventf(backup, corev1.EventTypeWarning, "BackupFailed", "backupNow: %v", err)
		atomic.AddInt64(&c.counts.Events, 1)
		_, _ = c.patchStatus(ctx, written, map[string]interface{}{"phase": "Failed", "reason": "Rejected", "message": err.Error(), "completedAt": now()})
		return 0, nil
	}
	submitted := map[string]interface{}{
		"submittedAt":      now(),
		"successful":       true,
		"obBackupTaskType": taskType,
		"taskIds":          ids,
	}
	for k, v := range submitted {
		intent[k] = v
	}
	return c.readTasks(ctx, ocp, written, intent, ids)
}

// connect is the operator's consent read: with --ocp-secret, the Secret is read by GET (typed
// clientset, no cache) in the backup's namespace before each backupNow, and its url, username and
// password are the connection; without it, the flags' connection.
func (c *controller) connect(ctx context.Context, namespace string) (*ocpClient, error) {
	if c.secret == "" {
		return c.ocp, nil
	}
	secret, err := c.core.CoreV1().Secrets(namespace).Get(ctx, c.secret, metav1.GetOptions{})
	atomic.AddInt64(&c.counts.SecretGets, 1)
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", namespace, c.secret, err)
	}
	url, user, password := string(secret.Data["url"]), string(secret.Data["username"]), string(secret.Data["password"])
	if url == "" {
		return nil, fmt.Errorf("secret %s/%s: no url", namespace, c.secret)
	}
	return c.ocp.with(url, user, password), nil
}

// readTasks reads every task of the backup; all SUCCESSFUL: Succeeded; one FAILED: Failed;
// otherwise Running, read again after the poll interval. One event when it settles.
func (c *controller) readTasks(ctx context.Context, ocp *ocpClient, backup *unstructured.Unstructured, status map[string]interface{}, ids []int64) (time.Duration, error) {
	phase := "Succeeded"
	for _, id := range ids {
		task, err := ocp.task(id)
		if err != nil {
			return 0, err
		}
		switch task.Status {
		case "SUCCESSFUL":
		case "FAILED":
			phase = "Failed"
		default:
			if phase == "Succeeded" {
				phase = "Running"
			}
		}
	}
	if status["phase"] == phase {
		return c.poll, nil // still running, nothing new to write
	}
	status["phase"] = phase
	if terminal(phase) {
		status["completedAt"] = now()
		status["conditions"] = []interface{}{map[string]interface{}{
			"type": "Complete", "status": conditionStatus(phase == "Succeeded"), "reason": phase,
			"message": fmt.Sprintf("OCP tasks %v", ids), "lastTransitionTime": now(), "observedGeneration": backup.GetGeneration(),
		}}
	}
	if _, err := c.patchStatus(ctx, backup, status); err != nil {
		return 0, err
	}
	if !terminal(phase) {
		return c.poll, nil
	}
	eventType := corev1.EventTypeNormal
	if phase == "Failed" {
		eventType = corev1.EventTypeWarning
	}
	c.recorder.Eventf(backup, eventType, phase, "backup %s: OCP tasks %v", phase, ids)
	atomic.AddInt64(&c.counts.Events, 1)
	return 0, nil
}

func taskIDs(status map[string]interface{}) []int64 {
	list, _ := status["taskIds"].([]interface{})
	ids := make([]int64, 0, len(list))
	for _, v := range list {
		if id, ok := v.(int64); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func conditionStatus(ok bool) string {
	if ok {
		return "True"
	}
	return "False"
}

// patchStatus merge-patches the status subresource with the resourceVersion the object was read
// at (a precondition: 409 if anyone wrote it since). Returns the object as stored.
func (c *controller) patchStatus(ctx context.Context, backup *unstructured.Unstructured, status map[string]interface{}) (*unstructured.Unstructured, error) {
	body, err := json.Marshal(map[string]interface{}{
		"metadata": map[string]interface{}{"resourceVersion": backup.GetResourceVersion()},
		"status":   status,
	})
	if err != nil {
		return nil, err
	}
	written, err := c.dyn.Resource(backupNows).Namespace(backup.GetNamespace()).
		Patch(ctx, backup.GetName(), types.MergePatchType, body, metav1.PatchOptions{}, "status")
	atomic.AddInt64(&c.counts.StatusPatches, 1)
	if apierrors.IsConflict(err) {
		atomic.AddInt64(&c.counts.Conflicts, 1)
	}
	if err != nil {
		return nil, err
	}
	return written, nil
}
