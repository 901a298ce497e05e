// The Java trust-store recipe of docs/clients.md: a plain java.net.http client that trusts the
// store named by -Djavax.net.ssl.trustStore (made with keytool from `tidemark ca`) gets a token and
// lists export jobs on https://<munchkin-id>.mktorest.com. The test resolves the name through
// -Djdk.net.hosts.file (a hosts file of its own), as a hosts entry would.
// Usage: java [-D...] TrustStoreCheck.java BASE CLIENT_ID CLIENT_SECRET
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class TrustStoreCheck {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    HttpClient http = HttpClient.newHttpClient();
    String query = "grant_type=client_credentials&client_id=" + URLEncoder.encode(args[1], StandardCharsets.UTF_8)
        + "&client_secret=" + URLEncoder.encode(args[2], StandardCharsets.UTF_8);
    try {
      String identity = http.send(HttpRequest.newBuilder(URI.create(base + "/identity/oauth/token?" + query)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(identity);
      if (!m.find()) throw new IllegalStateException("no token in " + identity);
      HttpResponse<String> jobs = http.send(HttpRequest.newBuilder(URI.create(base + "/bulk/v1/activities/export.json"))
          .header("Authorization", "Bearer " + m.group(1)).build(), HttpResponse.BodyHandlers.ofString());
      System.out.println(jobs.statusCode() + " " + jobs.body());
    } catch (javax.net.ssl.SSLHandshakeException e) {
      System.err.println("TLS error: " + e.getMessage());
      System.exit(2);
    }
  }
}
