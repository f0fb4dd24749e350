// Command go-control is the Go-SDK control of the benchmarks: a worker for the same bare
// model → tool → model workflow as bench/workflows/baseline.ts (one activity per model call and per
// tool call, the transcript in the model-call input, an optional approval by update), so
// `npm run bench` measures what Temporal itself costs on this machine with a second SDK, rather
// than assuming it.
//
// It runs a worker; the TypeScript driver starts the workflows (type goBareAgent), sends the
// decisions and reads the histories, exactly as for the TypeScript workflows. It prints "ready" on
// stdout once polling, and stops when stdin closes or on SIGTERM/SIGINT. A stdin line
// `start {"id":…,"input":{…}}` starts a run from this process with the worker's own client and
// EnableEagerStart (the server hands the first workflow task straight back to this worker), then
// prints `started <id>` (or `failed <id> <error>`): the eager-start variant of the control.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// WorkflowType is the name the driver starts.
const WorkflowType = "goBareAgent"

// The same message names as the TypeScript workflows (src/workflows/messages.ts,
// bench/workflows/messages.ts), so the driver's polling and decision code is shared.
const (
	statusQuery          = "baselineStatus"
	decideApprovalUpdate = "decideApproval"
)

// AgentInput mirrors BaselineAgentInput's fields that matter here.
type AgentInput struct {
	AgentID  string `json:"agentId"`
	Input    string `json:"input"`
	Approval bool   `json:"approval"`
}

// Message is one transcript entry (the TypeScript TranscriptMessage's shape).
type Message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []ToolCall `json:"toolCalls,omitempty"`
	ToolCallID string     `json:"toolCallId,omitempty"`
	ToolName   string     `json:"toolName,omitempty"`
	IsError    bool       `json:"isError,omitempty"`
}

// ToolCall is a model's request to run a tool.
type ToolCall struct {
	ID   string         `json:"id"`
	Name string         `json:"name"`
	Args map[string]any `json:"args"`
}

// ModelTurn is a model call's result.
type ModelTurn struct {
	Content   string     `json:"content"`
	ToolCalls []ToolCall `json:"toolCalls"`
}

// ToolResult is a tool call's result.
type ToolResult struct {
	Content string `json:"content"`
	IsError bool   `json:"isError"`
}

// ModelInput carries the whole transcript, like the TypeScript baseline's.
type ModelInput struct {
	AgentID    string    `json:"agentId"`
	Transcript []Message `json:"transcript"`
}

// ToolInput names the tool call.
type ToolInput struct {
	AgentID    string         `json:"agentId"`
	ToolName   string         `json:"toolName"`
	ToolCallID string         `json:"toolCallId"`
	Input      map[string]any `json:"input"`
}

// Decision is the approval update's argument (the fields used here).
type Decision struct {
	ApprovalID string `json:"approvalId"`
	Decision   string `json:"decision"`
	Approver   string `json:"approver,omitempty"`
}

// Status answers the status query.
type Status struct {
	Step              int    `json:"step"`
	PendingApprovalID string `json:"pendingApprovalId,omitempty"`
}

// AgentResult is the workflow's result.
type AgentResult struct {
	Output   string    `json:"output"`
	Steps    int       `json:"steps"`
	Messages []Message `json:"messages"`
}

// CallModel is the scripted model: ask for the order lookup, then answer with its result. It
// answers from the transcript (not from a queue), so a retried call gets the same answer.
func CallModel(_ context.Context, in ModelInput) (ModelTurn, error) {
	for _, m := range in.Transcript {
		if m.Role == "tool" {
			return ModelTurn{Content: "Your order shipped: " + m.Content, ToolCalls: []ToolCall{}}, nil
		}
	}
	return ModelTurn{Content: "", ToolCalls: []ToolCall{{ID: "call_1", Name: "lookup_order", Args: map[string]any{"orderId": "A-1001"}}}}, nil
}

// CallTool is the bench's lookup_order tool.
func CallTool(_ context.Context, in ToolInput) (ToolResult, error) {
	if in.ToolName != "lookup_order" {
		return ToolResult{}, temporal.NewNonRetryableApplicationError("unknown tool "+in.ToolName, "UNKNOWN_TOOL", nil)
	}
	return ToolResult{Content: fmt.Sprintf("Order %v: shipped on 2024-05-02, 1 item, $42.00", in.Input["orderId"])}, nil
}

// BareAgent is the minimal agent loop: model, (approval), tool, model.
func BareAgent(ctx workflow.Context, in AgentInput) (AgentResult, error) {
	transcript := []Message{{Role: "user", Content: in.Input}}
	status := Status{}
	var decision *Decision
	if err := workflow.SetQueryHandler(ctx, statusQuery, func() (Status, error) { return status, nil }); err != nil {
		return AgentResult{}, err
	}
	if in.Approval {
		err := workflow.SetUpdateHandlerWithOptions(ctx, decideApprovalUpdate,
			func(_ workflow.Context, d Decision) (Decision, error) {
				decision = &d
				return d, nil
			},
			workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, d Decision) error {
				if d.ApprovalID != status.PendingApprovalID || decision != nil {
					return errors.New("no pending approval " + d.ApprovalID)
				}
				return nil
			}},
		)
		if err != nil {
			return AgentResult{}, err
		}
	}
	// The same timeouts and retry budgets as the TypeScript baseline.
	modelCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	toolCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	})
	for status.Step < 200 {
		status.Step++
		var turn ModelTurn
		if err := workflow.ExecuteActivity(modelCtx, CallModel, ModelInput{AgentID: in.AgentID, Transcript: transcript}).Get(ctx, &turn); err != nil {
			return AgentResult{}, err
		}
		transcript = append(transcript, Message{Role: "assistant", Content: turn.Content, ToolCalls: turn.ToolCalls})
		if len(turn.ToolCalls) == 0 {
			return AgentResult{Output: turn.Content, Steps: status.Step, Messages: transcript}, nil
		}
		for _, call := range turn.ToolCalls {
			if in.Approval {
				status.PendingApprovalID = call.ID
				if err := workflow.Await(ctx, func() bool { return decision != nil }); err != nil {
					return AgentResult{}, err
				}
				status.PendingApprovalID = ""
				decision = nil
			}
			var result ToolResult
			input := ToolInput{AgentID: in.AgentID, ToolName: call.Name, ToolCallID: call.ID, Input: call.Args}
			if err := workflow.ExecuteActivity(toolCtx, CallTool, input).Get(ctx, &result); err != nil {
				return AgentResult{}, err
			}
			transcript = append(transcript, Message{Role: "tool", ToolCallID: call.ID, ToolName: call.Name, Content: result.Content, IsError: result.IsError})
		}
	}
	return AgentResult{}, temporal.NewNonRetryableApplicationError("over 200 steps", "MAX_STEPS_EXCEEDED", nil)
}

func main() {
	address := flag.String("address", "127.0.0.1:7233", "Temporal frontend address")
	namespace := flag.String("namespace", "default", "namespace")
	taskQueue := flag.String("task-queue", "", "task queue to poll (required)")
	flag.Parse()
	if *taskQueue == "" {
		log.Fatal("go-control: -task-queue is required")
	}

	c, err := client.Dial(client.Options{
		HostPort:  *address,
		Namespace: *namespace,
		// Only errors: the driver's output is the benchmark's tables.
		Logger: sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))),
	})
	if err != nil {
		log.Fatalf("go-control: cannot connect to %s: %v", *address, err)
	}
	defer c.Close()

	w := worker.New(c, *taskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(BareAgent, workflow.RegisterOptions{Name: WorkflowType})
	w.RegisterActivity(CallModel)
	w.RegisterActivity(CallTool)
	if err := w.Start(); err != nil {
		log.Fatalf("go-control: worker did not start: %v", err)
	}
	fmt.Println("ready")

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	stdinClosed := make(chan struct{})
	go func() {
		readStarts(c, *taskQueue)
		close(stdinClosed)
	}()
	select {
	case <-stop:
	case <-stdinClosed:
	}
	w.Stop()
}

// StartRequest is one `start` line: the workflow id and its input.
type StartRequest struct {
	ID    string     `json:"id"`
	Input AgentInput `json:"input"`
}

// readStarts serves `start` lines from stdin until it closes; each start runs concurrently.
func readStarts(c client.Client, taskQueue string) {
	var out sync.Mutex
	reply := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		line := scanner.Text()
		const prefix = "start "
		if len(line) <= len(prefix) || line[:len(prefix)] != prefix {
			continue
		}
		var req StartRequest
		if err := json.Unmarshal([]byte(line[len(prefix):]), &req); err != nil {
			reply("failed ? %v", err)
			continue
		}
		go func() {
			opts := client.StartWorkflowOptions{ID: req.ID, TaskQueue: taskQueue, EnableEagerStart: true}
			if _, err := c.ExecuteWorkflow(context.Background(), opts, WorkflowType, req.Input); err != nil {
				reply("failed %s %v", req.ID, err)
				return
			}
			reply("started %s", req.ID)
		}()
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
}
