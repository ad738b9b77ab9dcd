// The silo: a Container Apps environment integrated with its own VNet, so replicas reach each
// other directly over TCP (Orleans silo-to-silo on 11111, gateway on 30000) at their subnet
// addresses, which each silo advertises. HTTP ingress serves the run API and /healthz.

@description('Name prefix of the environment, VNet and app.')
param name string

@description('Azure region.')
param location string = resourceGroup().location

@description('Tags put on every resource; the app also gets azd-service-name.')
param tags object = {}

@description('Log Analytics workspace receiving the environment logs.')
param logAnalyticsWorkspaceName string

@description('User-assigned identity the silo runs as.')
param identityId string

@description('Client id of that identity, for DefaultAzureCredential.')
param identityClientId string

@description('Registry login server the image comes from.')
param registryLoginServer string

@description('Image to run; azd replaces it on deploy.')
param image string = 'mcr.microsoft.com/dotnet/samples:aspnetapp'

@description('Blob service endpoint of the storage account.')
param blobEndpoint string

@description('Blob container of the product.')
param containerName string

@description('Redis cache for Orleans membership and reminders.')
param redisName string

@description('Key every /api request must send as X-Api-Key. Kept as a Container Apps secret, never a plain setting.')
@secure()
@minLength(16)
param apiKey string

@description('Plugin folders or assemblies inside the container, separated by \';\' (e.g. /app/plugins/BollingerSqueeze: a plugin built into src/SignalReplay.Silo/plugins/ is published with the image). Empty: built-in deciders only.')
param plugins string = ''

@description('An OTLP endpoint (e.g. an OpenTelemetry collector\'s http://collector:4318) the silo exports its traces and metrics to. Empty: none.')
param otlpEndpoint string = ''

@description('Fewest silo replicas; 1 keeps the cluster warm.')
@minValue(0)
param minReplicas int = 1

@description('Most silo replicas.')
@minValue(1)
param maxReplicas int = 3

@description('Concurrent HTTP requests per replica before scaling out.')
param concurrentRequests int = 50

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = {
  name: redisName
}

resource network 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: 'vnet-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.40.0.0/16'
      ]
    }
    subnets: [
      {
        name: 'silos'
        properties: {
          addressPrefix: '10.40.0.0/23'
          delegations: [
            {
              name: 'containerapps'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${name}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: {
      infrastructureSubnetId: network.properties.subnets[0].id
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-${name}'
  location: location
  tags: union(tags, {
    'azd-service-name': 'silo'
  })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'http'
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: [
        {
          // Redis has no managed-identity path in the Orleans provider here: its key lives as an app secret.
          name: 'redis-connection'
          value: '${redis.properties.hostName}:${redis.properties.sslPort},password=${redis.listKeys().primaryKey},ssl=True,abortConnect=False'
        }
        {
          name: 'api-key'
          value: apiKey
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'silo'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [
            {
              name: 'SignalReplay__Clustering'
              value: 'Redis'
            }
            {
              name: 'SignalReplay__Redis__ConnectionString'
              secretRef: 'redis-connection'
            }
            {
              name: 'SignalReplay__Store__Kind'
              value: 'AzureBlob'
            }
            {
              name: 'SignalReplay__Store__AzureServiceUri'
              value: blobEndpoint
            }
            {
              name: 'SignalReplay__Store__Container'
              value: containerName
            }
            {
              name: 'SignalReplay__Api__Key'
              secretRef: 'api-key'
            }
            {
              name: 'SignalReplay__Plugins'
              value: plugins
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              // One JSON object per log line: Log Analytics parses its fields (Run, Phase, ...).
              name: 'Logging__Console__FormatterName'
              value: 'json'
            }
            {
              name: 'OTEL_EXPORTER_OTLP_ENDPOINT'
              value: otlpEndpoint
            }
            {
              name: 'OTEL_SERVICE_NAME'
              value: 'signalreplay-silo'
            }
            {
              name: 'ASPNETCORE_HTTP_PORTS'
              value: '8080'
            }
          ]
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 8080
              }
              periodSeconds: 15
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: 8080
              }
              periodSeconds: 10
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

output appName string = silo.name
output url string = 'https://${silo.properties.configuration.ingress.fqdn}'
