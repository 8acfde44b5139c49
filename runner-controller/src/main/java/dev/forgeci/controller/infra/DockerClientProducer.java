package dev.forgeci.controller.infra;

import java.io.IOException;
import java.time.Duration;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import dev.forgeci.controller.config.ControllerConfig;

/** One docker-java client (httpclient5 transport) for the configured Docker host. */
public class DockerClientProducer {

    @Produces
    @Singleton
    DockerClient docker(ControllerConfig config) {
        return create(config.docker().host());
    }

    void close(@Disposes DockerClient docker) throws IOException {
        docker.close();
    }

    public static DockerClient create(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                // Every running job holds one connection for its attached output.
                .maxConnections(200)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
