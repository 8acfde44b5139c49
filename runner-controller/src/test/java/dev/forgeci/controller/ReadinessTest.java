package dev.forgeci.controller;

import dev.forgeci.testkit.PrivateRedisResource;
import dev.forgeci.testkit.ReadinessContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = PrivateRedisResource.class, restrictToAnnotatedClass = true)
class ReadinessTest extends ReadinessContract {}
