/** Transport contract shared by UDP and TCP (RFC 3261 18). */
export type SipProtocol = 'udp' | 'tcp';

export interface Destination {
  protocol: SipProtocol;
  host: string;
  port: number;
}

export interface TransportHandlers {
  /**
   * One complete message (for TCP already framed by Content-Length) and where it came from. Returns true
   * when it was a valid SIP message: a TCP connection earns its long idle timeout with the first one.
   */
  onMessage(data: Buffer, from: Destination): boolean | void;
  onError(err: Error): void;
}

export interface SipTransport {
  readonly protocol: SipProtocol;
  /** Reliable transports disable the retransmission timers (A, E, G) and zero the wait timers (D, I, J, K). */
  readonly reliable: boolean;
  readonly host: string;
  readonly port: number;
  send(data: Buffer, to: Destination, onError?: (err: Error) => void): void;
  close(): Promise<void>;
}
