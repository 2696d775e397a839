// Command localaws serves the embedded AWS endpoint until SIGINT or SIGTERM.
//
// When it stops it logs how many calls reached its control endpoints (control_calls:
// everything under /_localaws/ but the Runtime API and code downloads), so that a run
// meant to use only AWS's APIs can check it used none.
//
// -iam=off (or LOCALAWS_IAM=off) allows every request instead of evaluating IAM
// policies; the flag wins over the variable.
//
// LOCALAWS_FAULTS sets fault injection at startup: a JSON object of function name, or
// "dynamodb:<table>", to fault config, e.g. {"backend":{"error_rate":0.1,"seed":42},
// "dynamodb:tenants":{"error_rate":0.5}} (see localaws/faults).
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4566", "listen address")
	region := flag.String("region", "us-east-1", "region to serve")
	account := flag.String("account", "000000000000", "12-digit account ID to serve")
	stateDir := flag.String("state-dir", "", "directory for unpacked code and environment logs (default: a temp dir removed on exit)")
	verbose := flag.Bool("v", false, "log at debug level")
	iamFlag := flag.String("iam", os.Getenv("LOCALAWS_IAM"), "IAM enforcement: on or off (default "+string(localaws.DefaultIAM)+"; env LOCALAWS_IAM)")
	flag.Parse()
	iamMode, err := localaws.ParseIAMMode(*iamFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	functionFaults, tableFaults, err := faultsFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	srv, err := localaws.New(localaws.Config{Addr: *addr, Region: *region, Account: *account, StateDir: *stateDir,
		Logger: logger, IAM: iamMode}, localaws.ServicesWith(lambda.Options{Faults: functionFaults},
		dynamodb.Options{Faults: tableFaults})...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Before Start: a signal that arrives once the port is announced must stop it cleanly.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	if err := srv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := <-sig
	logger.Info("stopping", "signal", s.String())
	err = srv.Close()
	logger.Info("stopped", "control_calls", srv.ControlCalls())
	if err != nil {
		logger.Error("shutdown", "err", err)
		os.Exit(1)
	}
}

// faultsFromEnv is the fault injection LOCALAWS_FAULTS sets, checked whole: the
// functions' set and the tables' set.
func faultsFromEnv(getenv func(string) string) (functions, tables *faults.Set, err error) {
	cfgs, err := faults.FromEnv(getenv)
	if err != nil {
		return nil, nil, err
	}
	functions, tables = faults.NewSet(), faults.NewSetFor(faults.Tables)
	if err := functions.Load(cfgs); err != nil {
		return nil, nil, err
	}
	return functions, tables, tables.Load(cfgs)
}
