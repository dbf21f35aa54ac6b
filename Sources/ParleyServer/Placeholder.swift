import AsyncHTTPClient
import Crypto
import Hummingbird
import Logging
