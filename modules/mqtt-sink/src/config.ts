import type { PublishConfig } from '@pypeline/brokers';

/** Configuration of `mqtt_sink`. */
export interface Config extends PublishConfig {
  /**
   * Broker URL (`mqtts://` for TLS)
   * @default "mqtt://127.0.0.1:1883"
   */
  url?: string;
  /** Topic of each message; `{column}` placeholders take the row's value, e.g. `sensors/{site}/alerts` */
  topic: string;
  /**
   * 0: sent once without acknowledgement; 1: at least once, each message acknowledged by the broker (PUBACK); 2: exactly once to the broker (PUBREC/PUBCOMP)
   * @default 1
   */
  qos?: 0 | 1 | 2;
  /**
   * Publish as retained messages (the broker keeps the last one of each topic for new subscribers)
   * @default false
   */
  retain?: boolean;
  /** User name, when the broker asks for one */
  username?: string;
  /**
   * Password of the user; pass it from a context value (e.g. "{{context.mqtt_password}}"), never written in the flow
   * @secret
   */
  password?: string;
  /** MQTT client id; when left out, a random one with a clean session */
  client_id?: string;
  /**
   * Seconds to wait for the broker before failing
   * @asType integer
   * @default 10
   */
  connect_timeout?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { url: 'mqtt://127.0.0.1:1883', qos: 1, retain: false, connect_timeout: 10 } as const;
