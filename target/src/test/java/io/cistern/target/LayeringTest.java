package io.cistern.target;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of docs/design.md, after LIO: the fabric (pdu, codec, login, session) calls the SCSI
 * core, the core calls backends, and nothing calls back up. Login negotiation is pure logic.
 */
@AnalyzeClasses(packages = "io.cistern.target", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule scsiCoreKnowsNoFabric = noClasses().that().resideInAPackage("..target.scsi..")
            .should().dependOnClassesThat().resideInAnyPackage("..target.session..", "..target.pdu..",
                    "..target.codec..", "..target.login..");

    @ArchTest
    static final ArchRule backendsKnowOnlyTheirInterface = noClasses().that().resideInAPackage("..target.backend..")
            .should().dependOnClassesThat().resideInAnyPackage("..target.scsi..", "..target.session..",
                    "..target.pdu..", "..target.codec..", "..target.login..");

    @ArchTest
    static final ArchRule loginIsPureLogic = noClasses().that().resideInAPackage("..target.login..")
            .should().dependOnClassesThat().resideInAnyPackage("..target.session..", "..target.pdu..",
                    "..target.codec..", "..target.scsi..", "io.netty..");

    @ArchTest
    static final ArchRule wireFormatKnowsNoSessions = noClasses().that().resideInAnyPackage("..target.pdu..",
                    "..target.codec..")
            .should().dependOnClassesThat().resideInAnyPackage("..target.session..", "..target.login..",
                    "..target.scsi..");
}
