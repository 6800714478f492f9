import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Starts mongo-java-server on HOST PORT (PORT 0 picks a free one) and prints
 * "listening HOST:PORT" once it accepts connections.
 *
 * The stock server reports wire version 8, which current Node drivers refuse,
 * so the backend announces MongoDB 4.4 (wire version 9) instead.
 */
public class Launcher {
    private static final MongoVersion MONGO_4_4 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        MongoServer server = new MongoServer(new MemoryBackend().version(MONGO_4_4));
        server.bind(host, port);
        InetSocketAddress address = server.getLocalAddress();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        System.out.println("listening " + address.getHostString() + ":" + address.getPort());
        System.out.flush();
    }
}
