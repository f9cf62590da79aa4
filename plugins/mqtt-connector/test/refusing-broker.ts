import { createServer, type AddressInfo, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/**
 * A stand-in MQTT 3.1.1 broker that refuses (SUBACK 0x80) every subscription whose filter starts
 * with one of `refused` and grants the rest — what a broker with subscribe ACLs answers. The
 * machine's Mosquitto 2.0 grants every subscription and filters deliveries instead, so this path
 * needs a peer of its own. It speaks just enough: CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ,
 * DISCONNECT.
 */
export async function startRefusingBroker(
  refused: readonly string[],
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const send = (packet: mqttPacket.Packet) =>
      socket.write(mqttPacket.generate(packet, { protocolVersion: 4 }));
    parser.on('packet', (packet) => {
      switch (packet.cmd) {
        case 'connect':
          return send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
        case 'subscribe':
          return send({
            cmd: 'suback',
            messageId: packet.messageId!,
            granted: packet.subscriptions.map((s) =>
              refused.some((r) => s.topic.startsWith(r)) ? 0x80 : s.qos,
            ),
          });
        case 'unsubscribe':
          return send({ cmd: 'unsuback', messageId: packet.messageId!, granted: [] });
        case 'pingreq':
          return send({ cmd: 'pingresp' });
        case 'disconnect':
          return socket.end();
        default:
          return undefined;
      }
    });
    parser.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
