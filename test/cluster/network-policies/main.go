// The real node's NetworkPolicy enforcer: the controller of sigs.k8s.io/kube-network-policies (SIG Network's, the one
// kind runs) as a host process beside kube-proxy; built from this file by provision-binaries.sh. Upstream's main reads
// in-cluster credentials only and stops on SIGINT only; this one reads a kubeconfig and also stops on SIGTERM. The
// controller judges the first packet of each connection on an nfqueue. The rule that queues those packets is the
// node's (real-node.ts, an iptables chain), because this kind of machine's kernel has no nftables `queue` statement:
// the table the controller writes itself is refused there (it logs so, harmlessly). Where the kernel takes the table,
// the controller removes it when it stops, and --cleanup removes it in case it was killed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/google/nftables"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

// tableName is the inet table the controller writes its chains, sets and queue rules to, where the kernel takes it.
const tableName = "kube-network-policies"

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig with the enforcer's credentials")
	nodeName := flag.String("hostname-override", "", "the Node whose pods are enforced")
	queueID := flag.Int("nfqueue-id", 100, "the nfqueue the first packet of each connection goes to")
	cleanup := flag.Bool("cleanup", false, "remove the controller's nftables table, if any, and exit")
	klog.InitFlags(nil)
	flag.Parse()
	if *cleanup {
		if err := removeTable(); err != nil {
			fmt.Fprintf(os.Stderr, "removing the nftables table %s: %v\n", tableName, err)
			os.Exit(1)
		}
		return
	}
	if err := run(*kubeconfig, *nodeName, *queueID); err != nil {
		klog.ErrorS(err, "kube-network-policies stopped")
		os.Exit(1)
	}
}

func run(kubeconfig, nodeName string, queueID int) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	config.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	config.ContentType = "application/vnd.kubernetes.protobuf"
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := networkpolicy.NewController(
		client,
		factory.Networking().V1().NetworkPolicies(),
		factory.Core().V1().Namespaces(),
		factory.Core().V1().Pods(),
		nil, nil, nil, nil, // AdminNetworkPolicy and BaselineAdminNetworkPolicy (alpha) stay off
		networkpolicy.Config{
			// Fail open, like the chain's --queue-bypass: an enforcer that cannot judge lets traffic through, so a
			// broken enforcer fails the tests that expect a connection dropped instead of passing them.
			FailOpen:            true,
			QueueID:             queueID,
			NodeName:            nodeName,
			NetfilterBug1766Fix: true,
			NFTableName:         tableName,
			// NRI stays on: with it off, v0.8.0 dereferences a nil plugin for every address that is not a known pod.
			// There is no NRI socket on this node (containerd 1.6), so the plugin only logs that it cannot connect.
		},
	)
	if err != nil {
		return err
	}
	// NewController registered the informers, so they can start; Run waits for their caches, and removes the table
	// once ctx ends (returning after that, so no fixed grace period like upstream's five seconds is needed).
	factory.Start(ctx.Done())
	err = controller.Run(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func removeTable() error {
	conn, err := nftables.New()
	if err != nil {
		return err
	}
	tables, err := conn.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return err
	}
	for _, table := range tables {
		if table.Name == tableName {
			conn.DelTable(table)
			return conn.Flush()
		}
	}
	return nil
}
