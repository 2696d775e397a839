// Package localaws is an embedded AWS endpoint: STS, IAM, CloudWatch Logs, SQS, DynamoDB,
// EventBridge and Lambda on one port, with Lambda functions run as real processes and
// one execution environment per tenant for PER_TENANT functions.
package localaws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/actions"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/authz"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Config configures a Server. Zero values take the defaults of the localaws command.
type Config struct {
	// Addr to listen on; "127.0.0.1:0" picks a free port. Default 127.0.0.1:4566.
	Addr string
	// Region served; default us-east-1.
	Region string
	// Account ID served; default 000000000000.
	Account string
	// StateDir holds unpacked code, environment working directories and logs. Default: a new temp dir.
	StateDir string
	Logger   *slog.Logger
	Clock    core.Clock
	// IAM turns IAM enforcement on or off; "" is DefaultIAM.
	IAM IAMMode
}

// IAMMode says whether localaws authorises requests.
type IAMMode string

// The IAM modes.
const (
	// IAMOn evaluates every request as AWS would and refuses what no policy allows.
	IAMOn IAMMode = "on"
	// IAMOff allows every request, for exploration.
	IAMOff IAMMode = "off"
)

// DefaultIAM is the mode of a Config that sets none.
const DefaultIAM = IAMOn

// ParseIAMMode reads "on" or "off" ("" is the default).
func ParseIAMMode(s string) (IAMMode, error) {
	switch m := IAMMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return DefaultIAM, nil
	case IAMOn, IAMOff:
		return m, nil
	}
	return "", fmt.Errorf("localaws: IAM mode %q must be on or off", s)
}

// Factory builds one service.
type Factory func(env *core.Env) core.Service

// Use is the Factory of a service's constructor, so that registering a service is one
// line: localaws.Use(sqs.New).
func Use[S core.Service](newService func(*core.Env) S) Factory {
	return func(env *core.Env) core.Service { return newService(env) }
}

// Server is a running localaws endpoint.
type Server struct {
	env       *core.Env
	services  []core.Service
	byName    map[string]core.Service
	byTarget  map[string]core.Service
	mux       *http.ServeMux
	http      *http.Server
	listener  net.Listener
	url       string
	addr      string
	tempState bool
	closeOnce sync.Once
	closeErr  error
	// controlCalls counts requests to the control endpoints (see ControlCalls).
	controlCalls atomic.Int64
	iam          IAMMode
	authorizer   *authz.Authorizer
}

// New builds a server with the given services, or every service when none are given.
// It does not listen until Start.
func New(cfg Config, factories ...Factory) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:4566"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "000000000000"
	}
	if !regexp.MustCompile(`^\d{12}$`).MatchString(cfg.Account) {
		return nil, fmt.Errorf("localaws: account %q must be 12 digits", cfg.Account)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = core.RealClock{}
	}
	s := &Server{byName: map[string]core.Service{}, byTarget: map[string]core.Service{}, mux: http.NewServeMux()}
	if cfg.StateDir == "" {
		dir, err := os.MkdirTemp("", "localaws-")
		if err != nil {
			return nil, fmt.Errorf("localaws: state dir: %w", err)
		}
		cfg.StateDir, s.tempState = dir, true
	} else {
		abs, err := filepath.Abs(cfg.StateDir)
		if err != nil {
			return nil, fmt.Errorf("localaws: state dir: %w", err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, fmt.Errorf("localaws: state dir: %w", err)
		}
		cfg.StateDir = abs
	}
	if cfg.IAM == "" {
		cfg.IAM = DefaultIAM
	}
	if _, err := ParseIAMMode(string(cfg.IAM)); err != nil {
		return nil, err
	}
	s.env = &core.Env{
		Region: cfg.Region, Account: cfg.Account, StateDir: cfg.StateDir,
		Clock: cfg.Clock, Logger: cfg.Logger, BaseURL: func() string { return s.url },
		Identity: identity.NewStore(cfg.Clock.Now),
	}
	s.iam = cfg.IAM
	s.authorizer = authz.New(s.env)
	if s.iam == IAMOn {
		s.env.Access = s.authorizer
	}
	if len(factories) == 0 {
		factories = DefaultServices()
	}
	for _, f := range factories {
		svc := f(s.env)
		s.services = append(s.services, svc)
		route := svc.Route()
		s.byName[route.SigningName] = svc
		if p := route.TargetPrefix; p != "" {
			s.byTarget[p] = svc
		}
		if a, ok := svc.(core.AdminRouter); ok {
			a.AdminRoutes(s.mux)
		}
		s.registerIAM(svc)
	}
	s.mux.Handle("GET /_localaws/iam/decisions", s.authorizer.Decisions)
	s.mux.HandleFunc("GET /_localaws/health", s.health)
	s.mux.HandleFunc("/", s.dispatch)
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 30 * time.Second, MaxHeaderBytes: 1 << 20,
		ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	s.addr = cfg.Addr
	return s, nil
}

// Start listens and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("localaws: listen on %s: %w", s.addr, err)
	}
	s.listener = ln
	s.url = "http://" + ln.Addr().String()
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.env.Logger.Error("localaws server stopped", "err", err)
		}
	}()
	s.env.Logger.Info("localaws listening", "url", s.url, "region", s.env.Region, "account", s.env.Account,
		"stateDir", s.env.StateDir)
	return nil
}

// URL is the endpoint, e.g. http://127.0.0.1:4566; empty before Start.
func (s *Server) URL() string { return s.url }

// Env exposes the shared environment (region, account, state dir).
func (s *Server) Env() *core.Env { return s.env }

// Handler serves every service; useful with httptest.
func (s *Server) Handler() http.Handler { return countControl(s.mux, &s.controlCalls) }

// Close stops every service (and so every function process), then the listener.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for i := len(s.services) - 1; i >= 0; i-- {
			if c, ok := s.services[i].(core.Closer); ok {
				errs = append(errs, c.Close())
			}
		}
		if s.listener != nil {
			errs = append(errs, s.shutdownHTTP())
		}
		if s.tempState {
			errs = append(errs, os.RemoveAll(s.env.StateDir))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// shutdownGrace bounds how long Close lets requests in flight finish. The services are
// closed by then, so nothing should take long; what is left is usually a connection a
// client dialled but never used, which net/http's Shutdown waits 5 s for.
const shutdownGrace = time.Second

// shutdownHTTP stops the listener, lets requests in flight finish within shutdownGrace
// and then closes whatever connections are left.
func (s *Server) shutdownHTTP() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.env.Logger.Debug("closing connections still open after the shutdown grace", "grace", shutdownGrace)
		return s.http.Close()
	}
	return err
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	names := make([]string, 0, len(s.services))
	for _, svc := range s.services {
		names = append(names, svc.Route().SigningName)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok", "services": names, "region": s.env.Region,
		"account": s.env.Account, "iam": s.iam})
}

// credentialScope matches "Credential=AKID/20260101/us-east-1/sqs/aws4_request".
var credentialScope = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request`)

// dispatch picks the service by X-Amz-Target prefix, then by SigV4 signing name.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	svc, reason := s.route(r)
	if n := headerBytes(r); n > MaxHeaderBytes {
		s.refuseHeaders(w, r, svc, n)
		return
	}
	if svc == nil {
		s.unknownService(w, r, reason)
		return
	}
	svc.ServeHTTP(w, r.WithContext(core.WithCaller(r.Context(), callerOf(r))))
}

// route returns the service a request is for, or why there is none.
func (s *Server) route(r *http.Request) (core.Service, string) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, _, _ := strings.Cut(t, ".")
		if svc, ok := s.byTarget[prefix]; ok {
			return svc, ""
		}
	}
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		if svc, ok := s.byName[m[1]]; ok {
			return svc, ""
		}
		return nil, fmt.Sprintf("service %q is not emulated by localaws", m[1])
	}
	return nil, "cannot tell which service this request is for: sign it with SigV4 or set X-Amz-Target"
}

func (s *Server) unknownService(w http.ResponseWriter, r *http.Request, msg string) {
	s.env.Logger.Warn("unroutable request", "method", r.Method, "path", r.URL.Path, "reason", msg)
	r = protocol.StartRequest(w, r)
	protocol.RESTService{Name: "localaws", Logger: s.env.Logger}.WriteError(w, r, "", protocol.Errorf(http.StatusBadRequest,
		"UnknownServiceException", "%s", msg))
}

// MaxHeaderBytes bounds a request's line and header block. Larger ones get a 431 in the
// addressed service's protocol. It sits below http.Server's MaxHeaderBytes (1 MiB), past
// which net/http itself answers a plain-text 431 and closes the connection.
const MaxHeaderBytes = 64 << 10

// headerBytes is the size of the request line and header block as sent.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4 + len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // "k: v\r\n"
		}
	}
	return n
}

// refuseHeaders answers an oversized header block with S3's error code for it, in the
// protocol of the service addressed (REST-JSON when none is).
func (s *Server) refuseHeaders(w http.ResponseWriter, r *http.Request, svc core.Service, n int) {
	var ew protocol.ErrorWriter = protocol.RESTService{Name: "localaws", Logger: s.env.Logger}
	if svc != nil {
		ew = protocol.RESTService{Name: svc.Route().SigningName, Logger: s.env.Logger}
		if own, ok := svc.(protocol.ErrorWriter); ok {
			ew = own
		}
	}
	r = protocol.StartRequest(w, r)
	ew.WriteError(w, r, "", protocol.Errorf(http.StatusRequestHeaderFieldsTooLarge, "RequestHeaderSectionTooLarge",
		"Your request header section exceeds the maximum allowed size: %d bytes, of at most %d in localaws.", n, MaxHeaderBytes))
}

// registerIAM hands a service's IAM parts to the authorizer: its guard, the roles it
// holds, the resource policies of its resources.
func (s *Server) registerIAM(svc core.Service) {
	if g, ok := svc.(interface{ SetGuard(protocol.Guard) }); ok {
		g.SetGuard(actions.Guard{Env: s.env})
	}
	if d, ok := svc.(identity.Directory); ok {
		s.env.Identity.SetDirectory(d)
	}
	if rp, ok := svc.(identity.ResourcePolicies); ok {
		s.env.Identity.AddResourcePolicies(svc.Route().SigningName, rp)
	}
}

// IAM is the server's IAM mode.
func (s *Server) IAM() IAMMode { return s.iam }
