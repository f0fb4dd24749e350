/**
 * One Temporal service (frontend, history, matching or worker) running as its own
 * `temporal-server start --service <name>` process, which can be killed and started again — the
 * handle the chaos and rolling-restart tests drive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { ClusterService, ServicePorts } from './config.js';
import { ClusterStartError } from './errors.js';

/**
 * The gRPC health-check names the services report under (server v1.29.1: `serviceName` in
 * service/{history,matching}/handler.go, `WorkflowServiceName` in service/frontend). History
 * reports SERVING only once it owns its shards (plus 5 s to settle). The worker role serves no
 * gRPC: its membership port being open is all it tells.
 */
const HEALTH_NAMES: Partial<Record<ClusterService, string>> = {
  frontend: 'temporal.api.workflowservice.v1.WorkflowService',
  history: 'temporal.api.workflowservice.v1.HistoryService',
  matching: 'temporal.api.workflowservice.v1.MatchingService',
};

const STOP_GRACE_MS = 20_000;
const TAIL_LINES = 40;

/** How to run one service. */
export interface ServiceSpec {
  name: ClusterService;
  server: string;
  /** Cluster directory: the server reads `<root>/config/cluster.yaml`; logs go to `<root>/logs`. */
  root: string;
  ip: string;
  ports: ServicePorts;
}

/** A service process that can be stopped, killed and started again. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly tail: string[] = [];
  private log: WriteStream | undefined;
  /** Children of every cluster, killed if this Node process exits without stopping them. */
  static readonly live = new Set<ChildProcess>();

  constructor(readonly spec: ServiceSpec) {}

  get name(): ClusterService {
    return this.spec.name;
  }

  /** Process id while running. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Path of this service's log file (appended across restarts). */
  get logFile(): string {
    return join(this.spec.root, 'logs', `${this.name}.log`);
  }

  /** The last lines the process printed, for error messages. */
  outputTail(): string {
    // JSON log lines carry whole stack traces: the message and error are what explain a failure.
    const short = (l: string) => (l.length > 400 ? `${l.slice(0, 400)}…` : l);
    return this.tail.length === 0 ? '    (nothing)' : this.tail.slice(-8).map((l) => `    ${short(l)}`).join('\n');
  }

  /** Spawn the process (no-op if running); does not wait for it to serve ({@link waitUntilServing}). */
  spawn(): void {
    if (this.running) return;
    const args = ['--root', this.spec.root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start', '--service', this.name];
    const child = spawn(this.spec.server, args, { cwd: this.spec.root, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    ServiceProcess.live.add(child);
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    const onLine = (line: string): void => {
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      this.log?.write(`${line}\n`);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        onLine(`spawn failed: ${err.message}`);
        ServiceProcess.live.delete(child);
        resolve();
      });
      child.once('exit', () => {
        ServiceProcess.live.delete(child);
        resolve();
      });
    });
  }

  /**
   * Send `signal` and wait until the process is gone. SIGTERM is a graceful stop (the server
   * hands its shards / task queues over); after 20 s it is followed by SIGKILL.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => this.child?.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Close the log file (after the last stop). */
  close(): void {
    this.log?.end();
    this.log = undefined;
  }

  /**
   * Wait until the process serves: its health check says SERVING (frontend, history, matching)
   * or its membership port accepts connections (worker).
   *
   * @throws {ClusterStartError} `SERVICE_EXITED` if the process exits, `CLUSTER_NOT_READY` on timeout.
   */
  async waitUntilServing(timeoutMs: number, log?: (line: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let problem = 'not checked yet';
    let delay = 50;
    let nextReport = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (log && Date.now() > nextReport) {
        log(`still waiting for ${this.name} (${problem})`);
        nextReport = Date.now() + 15_000;
      }
      if (!this.running) {
        throw new ClusterStartError(
          'SERVICE_EXITED',
          `The Temporal ${this.name} service exited (see ${this.logFile}). Last output:\n${this.outputTail()}`,
        );
      }
      problem = (await this.probe()) ?? '';
      if (problem === '') return;
      await sleep(delay);
      delay = Math.min(delay * 2, 500);
    }
    throw new ClusterStartError(
      'CLUSTER_NOT_READY',
      `The Temporal ${this.name} service did not serve within ${timeoutMs} ms (last check: ${problem}; log ${this.logFile}).`,
    );
  }

  /** One readiness check; returns what is missing, or undefined when serving. */
  private async probe(): Promise<string | undefined> {
    const { ip } = this.spec;
    const healthName = HEALTH_NAMES[this.name];
    if (healthName === undefined) {
      // The worker role serves no gRPC at all; it only joins the membership ring.
      const port = this.spec.ports.membershipPort;
      return (await canConnect(ip, port)) ? undefined : `membership port ${port} not open`;
    }
    const port = this.spec.ports.grpcPort;
    if (!(await canConnect(ip, port))) return `gRPC port ${port} not open`;
    const connection = Connection.lazy({ address: `${ip}:${port}`, connectTimeout: 2_000 });
    try {
      // A deadline: a call to a process that accepts connections but is not serving yet can hang.
      const { status } = await connection.withDeadline(Date.now() + 3_000, () => connection.healthService.check({ service: healthName }));
      return status === proto.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING ? undefined : `health ${String(status)}`;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    } finally {
      await connection.close();
    }
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
