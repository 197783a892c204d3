// peer-go is the client-go controller the bench compares the operator with (issue 25): per
// ClusterBackupNow it does exactly the operator's protocol against OCP, and nothing else. Dynamic
// informer, rate-limited work queue, N workers, unlimited client QPS; /readyz answers 200 once
// the informer has synced, /stats gives its counts of status patches, conflicts, events, reconciles, Secret GETs. Built offline against Kubernetes 1.20.2's vendored client-go by
// hack/build-peer-go.sh. A benchmark peer, not a product: no leader election, no retries of a
// lost backupNow answer. The OCP connection comes from a Secret read by GET before each backupNow
// (--ocp-secret, as the operator's consent read) or from flags.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

var backupNows = schema.GroupVersionResource{Group: "ocp.oceanbase.com", Version: "v1alpha1", Resource: "clusterbackupnows"}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the API server")
	namespace := flag.String("namespace", "", "the namespace watched (empty: all)")
	workers := flag.Int("workers", 32, "concurrent reconciles (MaxConcurrentReconciles)")
	listen := flag.String("listen", "127.0.0.1:8081", "address of /readyz")
	ocpURL := flag.String("ocp-url", env("OCP_URL", ""), "OCP base URL (env OCP_URL)")
	ocpUser := flag.String("ocp-user", env("OCP_USER", ""), "OCP user, HTTP Basic (env OCP_USER)")
	ocpPassword := flag.String("ocp-password", env("OCP_PASSWORD", ""), "OCP password (env OCP_PASSWORD)")
	ocpSecret := flag.String("ocp-secret", "", "a Secret in the backup's namespace with url, username and password, read by GET before each backupNow (instead of the three flags above)")
	poll := flag.Duration("poll", 100*time.Millisecond, "how soon a running backup's tasks are read again")
	flag.Parse()
	if *ocpURL == "" && *ocpSecret == "" {
		log.Fatal("peer-go: --ocp-secret or --ocp-url (or OCP_URL) is required")
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("peer-go: kubeconfig: %v", err)
	}
	// Unlimited client QPS: client-go creates no rate limiter when QPS < 0 (rest.RESTClientFor).
	config.QPS = -1
	config.Burst = 0
	config.UserAgent = "peer-go"
	dyn := dynamic.NewForConfigOrDie(config)
	core := kubernetes.NewForConfigOrDie(config)

	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(dyn, 0, *namespace, nil)
	informer := factory.ForResource(backupNows)
	c := newController(dyn, core, informer, newOcpClient(*ocpURL, *ocpUser, *ocpPassword, *workers), *ocpSecret, *poll)

	var ready atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if ready.Load() {
			fmt.Fprintln(w, "ok")
			return
		}
		http.Error(w, "informer not synced", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c.snapshot())
	})
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("peer-go: listen %s: %v", *listen, err)
	}
	server := &http.Server{Handler: mux}
	go func() { _ = server.Serve(listener) }()
	ocp := *ocpURL
	if *ocpSecret != "" {
		ocp = "from Secret " + *ocpSecret
	}
	log.Printf("peer-go: /readyz on http://%s, %d workers, namespace %q, OCP %s", listener.Addr(), *workers, *namespace, ocp)

	factory.Start(ctx.Done())
	if !c.waitForSync(ctx) {
		log.Fatal("peer-go: informer did not sync")
	}
	ready.Store(true)
	log.Printf("peer-go: READY")
	c.run(ctx, *workers)

	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(shutdown)
	log.Printf("peer-go: stopped")
}
